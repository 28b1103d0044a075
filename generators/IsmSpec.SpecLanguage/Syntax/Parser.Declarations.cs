using System.Collections.Generic;
using IsmSpec.SpecLanguage.Diagnostics;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Syntax
{
    /// <summary>Top-level declarations: const, device_id, feature, enum, flags, bitfield, struct, union, opaque, requirement.</summary>
    public sealed partial class Parser
    {
        private DeclarationSyntax? ParseDeclaration()
        {
            var t = Current;
            if (t.Kind != TokenKind.Name) throw Error($"expected a declaration but found {t}");
            switch (t.Text)
            {
                case "const":
                case "device_id":
                case "feature":
                    return ParseValueDeclaration();
                case "enum": return ParseEnum(false);
                case "flags": return ParseEnum(true);
                case "bitfield": return ParseBitfield();
                case "struct": return ParseStruct();
                case "union": return ParseUnion();
                case "commandset": return ParseCommandSet();
                case "ops": return ParseOps();
                case "opaque": return ParseOpaque();
                case "requirement": return ParseRequirement();
                case "spec":
                    _diagnostics.Report(DiagnosticIds.MissingHeader, t.Span, "the spec header must come first and only once");
                    throw new SyntaxError();
                default:
                    throw Error($"expected a declaration (const, enum, flags, bitfield, struct, union, commandset, ops, opaque, feature, device_id, requirement) but found {t}");
            }
        }

        private ValueDeclarationSyntax ParseValueDeclaration()
        {
            var keyword = Advance();
            var doc = keyword.Doc;
            var name = ExpectName("a name");
            Expect(TokenKind.Equals, "'='");
            var value = ParseExpression();
            var docString = ParseOptionalDocString();
            Expect(TokenKind.Semicolon, "';'");
            return new ValueDeclarationSyntax(keyword.Text, name.Text, name.Span, value, docString ?? doc);
        }

        private EnumSyntax ParseEnum(bool isFlags)
        {
            var keyword = Advance();
            var name = ExpectName(isFlags ? "a flags name" : "an enum name");
            Expect(TokenKind.Colon, "':' and the wire type");
            var underlying = ParseTypeReference("a wire type");
            Expect(TokenKind.OpenBrace, "'{'");
            var members = ParseMembers(ParseEnumMember);
            return new EnumSyntax(isFlags, name.Text, name.Span, underlying, members, keyword.Doc);
        }

        private EnumMemberSyntax ParseEnumMember()
        {
            var name = ExpectName("a member name");
            Expect(TokenKind.Equals, "'='");
            var value = ParseExpression();
            var docString = ParseOptionalDocString();
            Expect(TokenKind.Semicolon, "';'");
            return new EnumMemberSyntax(name.Text, name.Span, value, docString ?? name.Doc);
        }

        /// <summary>Parses members until the closing '}', recovering member by member.</summary>
        private List<T> ParseMembers<T>(System.Func<T?> parseMember) where T : class
        {
            var members = new List<T>();
            while (Current.Kind != TokenKind.CloseBrace && Current.Kind != TokenKind.EndOfFile)
            {
                int before = _pos;
                var m = TryParse(parseMember, topLevel: false);
                if (m != null) members.Add(m);
                if (_pos == before) Advance();
            }
            Expect(TokenKind.CloseBrace, "'}'");
            Accept(TokenKind.Semicolon);
            return members;
        }

        private BitfieldSyntax ParseBitfield()
        {
            var keyword = Advance();
            var name = ExpectName("a bitfield name");
            Expect(TokenKind.Colon, "':' and the integer type");
            var underlying = ParseTypeReference("an integer type");
            Expect(TokenKind.OpenBrace, "'{'");
            var members = ParseMembers(ParseBitMember);
            return new BitfieldSyntax(name.Text, name.Span, underlying, members, keyword.Doc);
        }

        private BitMemberSyntax ParseBitMember()
        {
            var first = Current;
            bool reserved = false;
            if (Current.IsName("reserved") && PeekToken(1).Kind == TokenKind.Name) { Advance(); reserved = true; }
            var name = ExpectName("a bit member name");
            Expect(TokenKind.Colon, "':' and a bit position");
            var low = ParseOperand();
            ExpressionSyntax? high = null;
            if (Accept(TokenKind.DotDot)) high = ParseOperand();
            TypeReferenceSyntax? asType = null;
            if (AcceptName("as")) asType = ParseTypeReference("an enum name");
            var docString = ParseOptionalDocString();
            var end = Expect(TokenKind.Semicolon, "';'");
            return new BitMemberSyntax(name.Text, name.Span, reserved, low, high, asType, first.Span.Through(end.Span, _file), docString ?? first.Doc);
        }

        private StructAttributesSyntax ParseStructAttributes()
        {
            var attributes = new StructAttributesSyntax();
            while (true)
            {
                if (AcceptName("align")) attributes.Align = ParseOperand();
                else if (AcceptName("size")) attributes.Size = ParseOperand();
                else if (AcceptName("hostorder")) attributes.HostOrder = true;
                else return attributes;
            }
        }

        private StructSyntax ParseStruct()
        {
            var keyword = Advance();
            var name = ExpectName("a struct name");
            var attributes = ParseStructAttributes();
            Expect(TokenKind.OpenBrace, "'{'");
            var fields = ParseMembers(ParseField);
            return new StructSyntax(name.Text, name.Span, attributes, fields, keyword.Doc);
        }

        private FieldSyntax ParseField()
        {
            var first = Current;
            bool reserved = false, hostOnly = false;
            while (PeekToken(1).Kind == TokenKind.Name && PeekToken(2).Kind == TokenKind.Name)
            {
                if (Current.IsName("reserved")) { Advance(); reserved = true; }
                else if (Current.IsName("hostonly")) { Advance(); hostOnly = true; }
                else break;
            }
            var type = ParseTypeReference("a field type");
            var name = ExpectName("a field name");
            ExpressionSyntax? count = null, offset = null, align = null;
            if (Accept(TokenKind.OpenBracket))
            {
                count = ParseExpression();
                Expect(TokenKind.CloseBracket, "']'");
            }
            if (Accept(TokenKind.At)) offset = ParseOperand();
            if (AcceptName("align")) align = ParseOperand();
            var docString = ParseOptionalDocString();
            var end = Expect(TokenKind.Semicolon, "';'");
            return new FieldSyntax(name.Text, name.Span, type, reserved, hostOnly, count, offset, align,
                docString ?? first.Doc, first.Span.Through(end.Span, _file));
        }

        private UnionSyntax ParseUnion()
        {
            var keyword = Advance();
            var name = ExpectName("a union name");
            var attributes = ParseStructAttributes();
            Expect(TokenKind.OpenBrace, "'{'");
            var views = ParseMembers(ParseView);
            return new UnionSyntax(name.Text, name.Span, attributes, views, keyword.Doc);
        }

        private ViewSyntax ParseView()
        {
            var keyword = ExpectKeyword("view");
            var name = ExpectName("a view name");
            if (Accept(TokenKind.Equals))
            {
                var reference = ParseTypeReference("a struct name");
                Expect(TokenKind.Semicolon, "';'");
                return new ViewSyntax(name.Text, name.Span, null, reference, keyword.Doc);
            }
            Expect(TokenKind.OpenBrace, "'{' or '= STRUCT'");
            var fields = ParseMembers(ParseField);
            return new ViewSyntax(name.Text, name.Span, fields, null, keyword.Doc);
        }

        private OpaqueSyntax ParseOpaque()
        {
            var keyword = Advance();
            var name = ExpectName("an opaque type name");
            Expect(TokenKind.Semicolon, "';'");
            return new OpaqueSyntax(name.Text, name.Span, keyword.Doc);
        }

        private RequirementSyntax ParseRequirement()
        {
            var keyword = Advance();
            var id = ExpectName("a requirement ID");
            var role = ParseTypeReference("a role (device, driver, client, layer)");
            var levelToken = Current;
            string level;
            if (AcceptName("MUST")) level = AcceptName("NOT") ? "MUST NOT" : "MUST";
            else if (AcceptName("SHOULD")) level = AcceptName("NOT") ? "SHOULD NOT" : "SHOULD";
            else if (AcceptName("MAY")) level = "MAY";
            else throw Error($"expected a level (MUST, MUST NOT, SHOULD, SHOULD NOT, MAY) but found {Current}");
            var levelSpan = levelToken.Span.Through(_tokens[_pos - 1].Span, _file);
            var summary = Expect(TokenKind.String, "a one-line summary string");
            ExpectKeyword("section");
            var section = Expect(TokenKind.String, "a section string");
            string? feature = null, untestable = null;
            SourceSpan featureSpan = default;
            while (true)
            {
                if (AcceptName("requires"))
                {
                    var f = ExpectName("a feature name");
                    feature = f.Text; featureSpan = f.Span;
                }
                else if (AcceptName("untestable")) untestable = Expect(TokenKind.String, "a reason string").Text;
                else break;
            }
            Expect(TokenKind.Semicolon, "';'");
            return new RequirementSyntax(id.Text, id.Span, role, level, levelSpan, summary.Text, summary.Span,
                section.Text, feature, featureSpan, untestable, keyword.Doc);
        }
    }
}
