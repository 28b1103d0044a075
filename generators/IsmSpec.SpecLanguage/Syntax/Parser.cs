using System;
using System.Collections.Generic;
using IsmSpec.SpecLanguage.Diagnostics;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Syntax
{
    /// <summary>
    /// Recursive-descent parser for one .ism file (grammar: spec/README.md). Never throws to its caller:
    /// a syntax error reports ISM0001 and the parser resynchronises at the next ';' or '}'.
    /// </summary>
    public sealed partial class Parser
    {
        private readonly SourceFile _file;
        private readonly DiagnosticBag _diagnostics;
        private readonly List<Token> _tokens;
        private int _pos;

        private sealed class SyntaxError : Exception { }

        public Parser(SourceFile file, DiagnosticBag diagnostics)
        {
            _file = file;
            _diagnostics = diagnostics;
            _tokens = new Lexer(file, diagnostics).Lex();
        }

        public static SpecFileSyntax Parse(SourceFile file, DiagnosticBag diagnostics) => new Parser(file, diagnostics).ParseFile();

        public SpecFileSyntax ParseFile()
        {
            SpecHeaderSyntax? header = TryParse<SpecHeaderSyntax>(ParseHeader, topLevel: true);
            var declarations = new List<DeclarationSyntax>();
            while (Current.Kind != TokenKind.EndOfFile)
            {
                int before = _pos;
                var decl = TryParse<DeclarationSyntax>(ParseDeclaration, topLevel: true);
                if (decl != null) declarations.Add(decl);
                if (_pos == before) _pos++; // always make progress
            }
            return new SpecFileSyntax(_file, header, declarations);
        }

        // ---- token helpers -------------------------------------------------------------

        private Token Current => _tokens[Math.Min(_pos, _tokens.Count - 1)];
        private Token PeekToken(int ahead) => _tokens[Math.Min(_pos + ahead, _tokens.Count - 1)];

        private Token Advance()
        {
            var t = Current;
            if (_pos < _tokens.Count - 1) _pos++;
            return t;
        }

        private bool AcceptName(string keyword)
        {
            if (!Current.IsName(keyword)) return false;
            Advance();
            return true;
        }

        private bool Accept(TokenKind kind)
        {
            if (Current.Kind != kind) return false;
            Advance();
            return true;
        }

        private Token Expect(TokenKind kind, string what)
        {
            if (Current.Kind == kind) return Advance();
            throw Error($"expected {what} but found {Current}");
        }

        private Token ExpectKeyword(string keyword)
        {
            if (Current.IsName(keyword)) return Advance();
            throw Error($"expected '{keyword}' but found {Current}");
        }

        private Token ExpectName(string what)
        {
            if (Current.Kind == TokenKind.Name) return Advance();
            throw Error($"expected {what} but found {Current}");
        }

        /// <summary>The ID syntax errors are reported under: ISM0011 inside the spec header, ISM0001 elsewhere.</summary>
        private string _errorId = DiagnosticIds.Syntax;

        private SyntaxError Error(string message)
        {
            _diagnostics.Report(_errorId, Current.Span, message);
            return new SyntaxError();
        }

        /// <summary>Runs a parse step; on a syntax error skips to a synchronisation point and returns null.</summary>
        private T? TryParse<T>(Func<T?> parse, bool topLevel) where T : class
        {
            int start = _pos;
            try { return parse(); }
            catch (SyntaxError)
            {
                Synchronize(start, topLevel);
                return null;
            }
        }

        /// <summary>
        /// Skips past the broken construct: to just after the next ';' at the construct's own nesting level,
        /// or to just after the '}' that closes a block the construct opened; stops before a '}' that closes
        /// an enclosing block (member level).
        /// </summary>
        private void Synchronize(int start, bool topLevel)
        {
            int depth = 0;
            for (int i = start; i < _pos; i++)
            {
                if (_tokens[i].Kind == TokenKind.OpenBrace) depth++;
                else if (_tokens[i].Kind == TokenKind.CloseBrace) depth--;
            }
            if (depth < 0) depth = 0;
            while (Current.Kind != TokenKind.EndOfFile)
            {
                var k = Current.Kind;
                if (k == TokenKind.OpenBrace) { depth++; Advance(); continue; }
                if (k == TokenKind.CloseBrace)
                {
                    if (depth == 0)
                    {
                        if (topLevel) Advance();
                        return;
                    }
                    depth--;
                    Advance();
                    if (depth == 0) { Accept(TokenKind.Semicolon); return; }
                    continue;
                }
                if (k == TokenKind.Semicolon && depth == 0) { Advance(); return; }
                Advance();
            }
        }

        // ---- header ----------------------------------------------------------------------

        private SpecHeaderSyntax? ParseHeader()
        {
            if (!Current.IsName("spec"))
            {
                _diagnostics.Report(DiagnosticIds.MissingHeader, Current.Span,
                    "a spec file must start with 'spec NAME version N;'");
                return null;
            }
            Advance();
            _errorId = DiagnosticIds.MissingHeader; // a malformed header is ISM0011, like a missing one
            try
            {
                var name = ExpectName("a spec name");
                ExpectKeyword("version");
                var version = Expect(TokenKind.Number, "a version number");
                string? ns = null;
                SourceSpan nsSpan = default;
                if (AcceptName("namespace")) (ns, nsSpan) = ParseDottedName();
                Expect(TokenKind.Semicolon, "';'");
                return new SpecHeaderSyntax(name.Text, name.Span, version.Number, ns, nsSpan);
            }
            finally
            {
                _errorId = DiagnosticIds.Syntax;
            }
        }

        private (string Name, SourceSpan Span) ParseDottedName()
        {
            var first = ExpectName("a namespace");
            var last = first;
            var parts = new List<string> { first.Text };
            while (Accept(TokenKind.Dot))
            {
                last = ExpectName("a namespace part");
                parts.Add(last.Text);
            }
            return (string.Join(".", parts), first.Span.Through(last.Span, _file));
        }

        // ---- expressions -------------------------------------------------------------------

        /// <summary>
        /// Operands and operators one expression may hold. Real specs use a handful; the limit keeps the
        /// recursive parser and evaluator from overflowing the stack (which no caller could catch) on
        /// input such as 100,000 nested parentheses.
        /// </summary>
        private const int MaxExpressionNodes = 256;
        private int _expressionNodes;

        /// <summary>A full expression (binary operators allowed).</summary>
        private ExpressionSyntax ParseExpression()
        {
            _expressionNodes = 0;
            return ParseBinary(0);
        }

        /// <summary>A number, a name, a unary operation or a parenthesized expression (offsets, bit positions, attributes).</summary>
        private ExpressionSyntax ParseOperand()
        {
            _expressionNodes = 0;
            return ParseUnary();
        }

        private static int Precedence(TokenKind kind) => kind switch
        {
            TokenKind.Pipe => 1,
            TokenKind.Ampersand => 2,
            TokenKind.ShiftLeft => 3,
            TokenKind.ShiftRight => 3,
            TokenKind.Plus => 4,
            TokenKind.Minus => 4,
            TokenKind.Star => 5,
            _ => 0,
        };

        private ExpressionSyntax ParseBinary(int minPrecedence)
        {
            var left = ParseUnary();
            while (true)
            {
                int p = Precedence(Current.Kind);
                if (p == 0 || p <= minPrecedence) return left;
                var op = Advance();
                var right = ParseBinary(p);
                left = new BinaryExpression(left, op.Kind, right, left.Span.Through(right.Span, _file));
            }
        }

        private ExpressionSyntax ParseUnary()
        {
            if (++_expressionNodes > MaxExpressionNodes)
                throw Error($"expression is too long (more than {MaxExpressionNodes} operands and unary operators)");
            if (Current.Kind == TokenKind.Tilde || Current.Kind == TokenKind.Minus)
            {
                var op = Advance();
                var operand = ParseUnary();
                return new UnaryExpression(op.Kind, operand, op.Span.Through(operand.Span, _file));
            }
            if (Current.Kind == TokenKind.Number)
            {
                var t = Advance();
                return new NumberExpression(t.Number, t.Span);
            }
            if (Current.Kind == TokenKind.Name)
            {
                var t = Advance();
                return new NameExpression(t.Text, t.Span);
            }
            if (Accept(TokenKind.OpenParen))
            {
                var inner = ParseBinary(0);
                Expect(TokenKind.CloseParen, "')'");
                return inner;
            }
            throw Error($"expected a number or constant but found {Current}");
        }

        private TypeReferenceSyntax ParseTypeReference(string what)
        {
            var t = ExpectName(what);
            return new TypeReferenceSyntax(t.Text, t.Span);
        }

        private string? ParseOptionalDocString()
        {
            if (Current.Kind != TokenKind.String) return null;
            return Advance().Text;
        }
    }
}
