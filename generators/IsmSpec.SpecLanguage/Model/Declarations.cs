using System.Collections.Generic;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Model
{
    public sealed class ConstantSymbol : Symbol
    {
        public ConstantSymbol(string name, SourceSpan span, string? doc, ulong value) : base(name, span, doc) { Value = value; }
        public ulong Value { get; }
    }

    /// <summary>A feature bit: <see cref="Bit"/> is the bit number.</summary>
    public sealed class FeatureSymbol : Symbol
    {
        public FeatureSymbol(string name, SourceSpan span, string? doc, int bit) : base(name, span, doc) { Bit = bit; }
        public int Bit { get; }
        public ulong Mask => 1UL << Bit;
    }

    public sealed class DeviceIdSymbol : Symbol
    {
        public DeviceIdSymbol(string name, SourceSpan span, string? doc, ulong value) : base(name, span, doc) { Value = value; }
        public ulong Value { get; }
    }

    public sealed class OpaqueSymbol : Symbol
    {
        public OpaqueSymbol(string name, SourceSpan span, string? doc) : base(name, span, doc) { }
    }

    public enum RequirementRole { Device, Driver, Client, Layer }

    public enum RequirementLevel { Must, MustNot, Should, ShouldNot, May }

    /// <summary>A normative requirement: stable ID, role, level, section and our own one-line summary.</summary>
    public sealed class RequirementSymbol : Symbol
    {
        public RequirementSymbol(string id, SourceSpan span, string? doc, RequirementRole role, RequirementLevel level,
            string summary, string section, string? feature, string? untestable)
            : base(id, span, doc)
        {
            Role = role; Level = level; Summary = summary; Section = section; Feature = feature; Untestable = untestable;
        }

        public string Id => Name;
        public RequirementRole Role { get; }
        public RequirementLevel Level { get; }
        public string Summary { get; }
        public string Section { get; }
        /// <summary>The feature bit the requirement depends on (not applicable when it is not offered).</summary>
        public string? Feature { get; }
        /// <summary>Why no property can check the requirement, when that is so.</summary>
        public string? Untestable { get; }

        public static string LevelText(RequirementLevel level) => level switch
        {
            RequirementLevel.Must => "MUST",
            RequirementLevel.MustNot => "MUST NOT",
            RequirementLevel.Should => "SHOULD",
            RequirementLevel.ShouldNot => "SHOULD NOT",
            _ => "MAY",
        };

        public static string RoleText(RequirementRole role) => role.ToString().ToLowerInvariant();
    }

    public enum Framing { VirtioCtrl, IsmBlock }

    public sealed class CommandSymbol : Symbol
    {
        public CommandSymbol(string name, SourceSpan span, string? doc, int? classCode, ulong code,
            StructType? request, StructType? reply, UnionType? union)
            : base(name, span, doc)
        {
            Class = classCode; Code = code; Request = request; Reply = reply; Union = union;
        }

        public int? Class { get; }
        public ulong Code { get; }
        /// <summary>The request struct (for ism_block: the union's request view).</summary>
        public StructType? Request { get; }
        /// <summary>The reply struct (for ism_block: the union's response view).</summary>
        public StructType? Reply { get; }
        public UnionType? Union { get; }
    }

    /// <summary>A controlq-style command set: framing, ack values, commands.</summary>
    public sealed class CommandSetSymbol : Symbol
    {
        public CommandSetSymbol(string name, SourceSpan span, string? doc, Framing framing, EnumType ack, EnumMember ok,
            EnumMember error, IReadOnlyList<CommandSymbol> commands)
            : base(name, span, doc)
        {
            Framing = framing; Ack = ack; Ok = ok; Error = error; Commands = commands;
        }

        public Framing Framing { get; }
        public EnumType Ack { get; }
        public EnumMember Ok { get; }
        public EnumMember Error { get; }
        public IReadOnlyList<CommandSymbol> Commands { get; }
    }

    public enum OpTypeKind { Void, Errno, Integer, Bool, Uuid, Bytes, Span, Struct, Opaque }

    /// <summary>A parameter or return type of an operation.</summary>
    public sealed class OpType
    {
        public OpType(OpTypeKind kind, string specName, int integerBits = 0, bool signed = false, StructType? structType = null)
        {
            Kind = kind; SpecName = specName; IntegerBits = integerBits; Signed = signed; Struct = structType;
        }

        public OpTypeKind Kind { get; }
        public string SpecName { get; }
        public int IntegerBits { get; }
        public bool Signed { get; }
        public StructType? Struct { get; }
    }

    public sealed class ParameterSymbol : Symbol
    {
        public ParameterSymbol(string name, SourceSpan span, OpType type, bool isOut) : base(name, span, null) { Type = type; IsOut = isOut; }
        public OpType Type { get; }
        public bool IsOut { get; }
    }

    public sealed class OperationSymbol : Symbol
    {
        public OperationSymbol(string name, SourceSpan span, string? doc, OpType returnType, IReadOnlyList<ParameterSymbol> parameters)
            : base(name, span, doc) { ReturnType = returnType; Parameters = parameters; }
        public OpType ReturnType { get; }
        public IReadOnlyList<ParameterSymbol> Parameters { get; }
    }

    public sealed class OperationGroup : Symbol
    {
        public OperationGroup(string name, SourceSpan span, string? doc, bool optional, IReadOnlyList<OperationSymbol> operations)
            : base(name, span, doc) { IsOptional = optional; Operations = operations; }
        public bool IsOptional { get; }
        public IReadOnlyList<OperationSymbol> Operations { get; }
    }

    /// <summary>An ops table: a mandatory group (first) and optional groups; becomes C# interfaces.</summary>
    public sealed class OpsSymbol : Symbol
    {
        public OpsSymbol(string name, SourceSpan span, string? doc, IReadOnlyList<OperationGroup> groups, IReadOnlyList<string> opaques)
            : base(name, span, doc) { Groups = groups; Opaques = opaques; }
        public IReadOnlyList<OperationGroup> Groups { get; }
        /// <summary>Opaque types used by the table, in first-use order: the interfaces' type parameters.</summary>
        public IReadOnlyList<string> Opaques { get; }
    }
}
