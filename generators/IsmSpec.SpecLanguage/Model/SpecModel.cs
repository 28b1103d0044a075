using System.Collections.Generic;
using System.Linq;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Model
{
    /// <summary>A bound spec: every declaration of one <c>spec NAME version N</c>, across its files.</summary>
    public sealed class SpecModel
    {
        public SpecModel(string name, ulong version, string ns, SourceSpan span)
        {
            Name = name; Version = version; Namespace = ns; Span = span;
        }

        public string Name { get; }
        public ulong Version { get; }
        public string Namespace { get; }
        public SourceSpan Span { get; }
        public string Key => $"{Name}@{Version}";
        public string CSharpName => Naming.ToPascal(Name) + (Version > 1 ? "V" + Version : "");

        public List<string> Files { get; } = new List<string>();
        public List<ConstantSymbol> Constants { get; } = new List<ConstantSymbol>();
        public List<DeviceIdSymbol> DeviceIds { get; } = new List<DeviceIdSymbol>();
        public List<FeatureSymbol> Features { get; } = new List<FeatureSymbol>();
        /// <summary>Enums, flags, bitfields, structs (including inline and view structs) and unions, in declaration order.</summary>
        public List<TypeSymbol> Types { get; } = new List<TypeSymbol>();
        public List<CommandSetSymbol> CommandSets { get; } = new List<CommandSetSymbol>();
        public List<OpsSymbol> Ops { get; } = new List<OpsSymbol>();
        public List<OpaqueSymbol> Opaques { get; } = new List<OpaqueSymbol>();
        public List<RequirementSymbol> Requirements { get; } = new List<RequirementSymbol>();

        public IEnumerable<StructType> Structs => Types.OfType<StructType>();
        public IEnumerable<UnionType> Unions => Types.OfType<UnionType>();
        public IEnumerable<EnumType> Enums => Types.OfType<EnumType>();
        public IEnumerable<BitfieldType> Bitfields => Types.OfType<BitfieldType>();

        /// <summary>Finds a type by spec name or C# name.</summary>
        public TypeSymbol? FindType(string name) =>
            Types.FirstOrDefault(t => t.Name == name) ?? Types.FirstOrDefault(t => t.CSharpName == name);
    }
}
