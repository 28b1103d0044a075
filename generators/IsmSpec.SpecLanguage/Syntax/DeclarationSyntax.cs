using System.Collections.Generic;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Syntax
{
    /// <summary>A named top-level declaration (or a member) with its name span and doc comment.</summary>
    public abstract class DeclarationSyntax
    {
        protected DeclarationSyntax(string name, SourceSpan nameSpan, string? doc) { Name = name; NameSpan = nameSpan; Doc = doc; }
        public string Name { get; }
        public SourceSpan NameSpan { get; }
        public string? Doc { get; }
    }

    public sealed class SpecHeaderSyntax
    {
        public SpecHeaderSyntax(string name, SourceSpan nameSpan, ulong version, string? ns, SourceSpan namespaceSpan = default)
        {
            Name = name; NameSpan = nameSpan; Version = version; Namespace = ns; NamespaceSpan = namespaceSpan;
        }
        public string Name { get; }
        public SourceSpan NameSpan { get; }
        public ulong Version { get; }
        public string? Namespace { get; }
        /// <summary>The dotted namespace after <c>namespace</c> (empty when there is none).</summary>
        public SourceSpan NamespaceSpan { get; }
    }

    /// <summary><c>const</c>, <c>device_id</c> and <c>feature</c> declarations: a name and a value.</summary>
    public sealed class ValueDeclarationSyntax : DeclarationSyntax
    {
        public ValueDeclarationSyntax(string keyword, string name, SourceSpan nameSpan, ExpressionSyntax value, string? doc)
            : base(name, nameSpan, doc) { Keyword = keyword; Value = value; }
        public string Keyword { get; }
        public ExpressionSyntax Value { get; }
    }

    public sealed class TypeReferenceSyntax
    {
        public TypeReferenceSyntax(string name, SourceSpan span) { Name = name; Span = span; }
        public string Name { get; }
        public SourceSpan Span { get; }
    }

    public sealed class EnumMemberSyntax : DeclarationSyntax
    {
        public EnumMemberSyntax(string name, SourceSpan nameSpan, ExpressionSyntax value, string? doc) : base(name, nameSpan, doc) { Value = value; }
        public ExpressionSyntax Value { get; }
    }

    /// <summary><c>enum</c> or <c>flags</c>.</summary>
    public sealed class EnumSyntax : DeclarationSyntax
    {
        public EnumSyntax(bool isFlags, string name, SourceSpan nameSpan, TypeReferenceSyntax underlying, IReadOnlyList<EnumMemberSyntax> members, string? doc)
            : base(name, nameSpan, doc) { IsFlags = isFlags; Underlying = underlying; Members = members; }
        public bool IsFlags { get; }
        public TypeReferenceSyntax Underlying { get; }
        public IReadOnlyList<EnumMemberSyntax> Members { get; }
    }

    public sealed class BitMemberSyntax : DeclarationSyntax
    {
        public BitMemberSyntax(string name, SourceSpan nameSpan, bool reserved, ExpressionSyntax low, ExpressionSyntax? high, TypeReferenceSyntax? asType, SourceSpan span, string? doc)
            : base(name, nameSpan, doc) { IsReserved = reserved; Low = low; High = high; AsType = asType; Span = span; }
        public bool IsReserved { get; }
        public ExpressionSyntax Low { get; }
        public ExpressionSyntax? High { get; }
        public TypeReferenceSyntax? AsType { get; }
        public SourceSpan Span { get; }
    }

    public sealed class BitfieldSyntax : DeclarationSyntax
    {
        public BitfieldSyntax(string name, SourceSpan nameSpan, TypeReferenceSyntax underlying, IReadOnlyList<BitMemberSyntax> members, string? doc)
            : base(name, nameSpan, doc) { Underlying = underlying; Members = members; }
        public TypeReferenceSyntax Underlying { get; }
        public IReadOnlyList<BitMemberSyntax> Members { get; }
    }

    public sealed class FieldSyntax : DeclarationSyntax
    {
        public FieldSyntax(string name, SourceSpan nameSpan, TypeReferenceSyntax type, bool reserved, bool hostOnly,
            ExpressionSyntax? count, ExpressionSyntax? offset, ExpressionSyntax? align, string? doc, SourceSpan span)
            : base(name, nameSpan, doc)
        {
            Type = type; IsReserved = reserved; IsHostOnly = hostOnly; Count = count; Offset = offset; Align = align; Span = span;
        }
        public TypeReferenceSyntax Type { get; }
        public bool IsReserved { get; }
        public bool IsHostOnly { get; }
        /// <summary>Array length: a constant expression, or a <see cref="NameExpression"/> naming an earlier field (a tail).</summary>
        public ExpressionSyntax? Count { get; }
        public ExpressionSyntax? Offset { get; }
        public ExpressionSyntax? Align { get; }
        public SourceSpan Span { get; }
    }

    public sealed class StructAttributesSyntax
    {
        public ExpressionSyntax? Align { get; set; }
        public ExpressionSyntax? Size { get; set; }
        public bool HostOrder { get; set; }
    }

    public sealed class StructSyntax : DeclarationSyntax
    {
        public StructSyntax(string name, SourceSpan nameSpan, StructAttributesSyntax attributes, IReadOnlyList<FieldSyntax> fields, string? doc)
            : base(name, nameSpan, doc) { Attributes = attributes; Fields = fields; }
        public StructAttributesSyntax Attributes { get; }
        public IReadOnlyList<FieldSyntax> Fields { get; }
    }

    /// <summary>A union view: inline fields, or <c>= STRUCT</c>.</summary>
    public sealed class ViewSyntax : DeclarationSyntax
    {
        public ViewSyntax(string name, SourceSpan nameSpan, IReadOnlyList<FieldSyntax>? fields, TypeReferenceSyntax? reference, string? doc)
            : base(name, nameSpan, doc) { Fields = fields; Reference = reference; }
        public IReadOnlyList<FieldSyntax>? Fields { get; }
        public TypeReferenceSyntax? Reference { get; }
    }

    public sealed class UnionSyntax : DeclarationSyntax
    {
        public UnionSyntax(string name, SourceSpan nameSpan, StructAttributesSyntax attributes, IReadOnlyList<ViewSyntax> views, string? doc)
            : base(name, nameSpan, doc) { Attributes = attributes; Views = views; }
        public StructAttributesSyntax Attributes { get; }
        public IReadOnlyList<ViewSyntax> Views { get; }
    }

    /// <summary>A command's request or reply: inline fields or a named struct.</summary>
    public sealed class PayloadSyntax
    {
        public PayloadSyntax(IReadOnlyList<FieldSyntax>? fields, TypeReferenceSyntax? reference, SourceSpan span)
        {
            Fields = fields; Reference = reference; Span = span;
        }
        public IReadOnlyList<FieldSyntax>? Fields { get; }
        public TypeReferenceSyntax? Reference { get; }
        public SourceSpan Span { get; }
    }

    public sealed class CommandSyntax : DeclarationSyntax
    {
        public CommandSyntax(string name, SourceSpan nameSpan, ExpressionSyntax? classValue, ExpressionSyntax code,
            PayloadSyntax? request, PayloadSyntax? reply, TypeReferenceSyntax? union, string? doc)
            : base(name, nameSpan, doc)
        {
            Class = classValue; Code = code; Request = request; Reply = reply; Union = union;
        }
        public ExpressionSyntax? Class { get; }
        public ExpressionSyntax Code { get; }
        public PayloadSyntax? Request { get; }
        public PayloadSyntax? Reply { get; }
        public TypeReferenceSyntax? Union { get; }
    }

    public sealed class AckSyntax
    {
        public AckSyntax(TypeReferenceSyntax type, TypeReferenceSyntax ok, TypeReferenceSyntax error)
        {
            Type = type; Ok = ok; Error = error;
        }
        public TypeReferenceSyntax Type { get; }
        public TypeReferenceSyntax Ok { get; }
        public TypeReferenceSyntax Error { get; }
    }

    public sealed class CommandSetSyntax : DeclarationSyntax
    {
        public CommandSetSyntax(string name, SourceSpan nameSpan, TypeReferenceSyntax framing, AckSyntax? ack, IReadOnlyList<CommandSyntax> commands, string? doc)
            : base(name, nameSpan, doc) { Framing = framing; Ack = ack; Commands = commands; }
        public TypeReferenceSyntax Framing { get; }
        public AckSyntax? Ack { get; }
        public IReadOnlyList<CommandSyntax> Commands { get; }
    }

    public sealed class ParameterSyntax : DeclarationSyntax
    {
        public ParameterSyntax(string name, SourceSpan nameSpan, TypeReferenceSyntax type, bool isOut) : base(name, nameSpan, null)
        {
            Type = type; IsOut = isOut;
        }
        public TypeReferenceSyntax Type { get; }
        public bool IsOut { get; }
    }

    public sealed class OperationSyntax : DeclarationSyntax
    {
        public OperationSyntax(string name, SourceSpan nameSpan, TypeReferenceSyntax returnType, IReadOnlyList<ParameterSyntax> parameters, string? doc)
            : base(name, nameSpan, doc) { ReturnType = returnType; Parameters = parameters; }
        public TypeReferenceSyntax ReturnType { get; }
        public IReadOnlyList<ParameterSyntax> Parameters { get; }
    }

    /// <summary>A group of operations; the unnamed mandatory group, an <c>optional group</c>, or an <c>optional</c> single op.</summary>
    public sealed class OperationGroupSyntax : DeclarationSyntax
    {
        public OperationGroupSyntax(string name, SourceSpan nameSpan, bool optional, IReadOnlyList<OperationSyntax> operations, string? doc)
            : base(name, nameSpan, doc) { IsOptional = optional; Operations = operations; }
        public bool IsOptional { get; }
        public IReadOnlyList<OperationSyntax> Operations { get; }
    }

    public sealed class OpsSyntax : DeclarationSyntax
    {
        public OpsSyntax(string name, SourceSpan nameSpan, IReadOnlyList<OperationGroupSyntax> groups, string? doc)
            : base(name, nameSpan, doc) { Groups = groups; }
        public IReadOnlyList<OperationGroupSyntax> Groups { get; }
    }

    public sealed class OpaqueSyntax : DeclarationSyntax
    {
        public OpaqueSyntax(string name, SourceSpan nameSpan, string? doc) : base(name, nameSpan, doc) { }
    }

    public sealed class RequirementSyntax : DeclarationSyntax
    {
        public RequirementSyntax(string id, SourceSpan idSpan, TypeReferenceSyntax role, string level, SourceSpan levelSpan,
            string summary, SourceSpan summarySpan, string section, string? feature, SourceSpan featureSpan, string? untestable, string? doc)
            : base(id, idSpan, doc)
        {
            Role = role; Level = level; LevelSpan = levelSpan; Summary = summary; SummarySpan = summarySpan;
            Section = section; Feature = feature; FeatureSpan = featureSpan; Untestable = untestable;
        }
        public TypeReferenceSyntax Role { get; }
        public string Level { get; }
        public SourceSpan LevelSpan { get; }
        public string Summary { get; }
        public SourceSpan SummarySpan { get; }
        public string Section { get; }
        public string? Feature { get; }
        public SourceSpan FeatureSpan { get; }
        public string? Untestable { get; }
    }

    /// <summary>A parsed file: its header (null when missing) and declarations in order.</summary>
    public sealed class SpecFileSyntax
    {
        public SpecFileSyntax(Text.SourceFile file, SpecHeaderSyntax? header, IReadOnlyList<DeclarationSyntax> declarations)
        {
            File = file; Header = header; Declarations = declarations;
        }
        public Text.SourceFile File { get; }
        public SpecHeaderSyntax? Header { get; }
        public IReadOnlyList<DeclarationSyntax> Declarations { get; }
    }
}
