using System.Linq;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Generator.Emit
{
    /// <summary>The per-spec class: constants, device ids, feature bits, requirement catalog, type and command lists.</summary>
    internal static class SpecInfoEmitter
    {
        public static string ClassName(SpecModel spec) => Naming.ToPascal(spec.Name) + "Spec";

        public static string Emit(SpecModel spec)
        {
            string cls = ClassName(spec);
            var w = CodeWriter.File(spec.Namespace, $"[assembly: IsmSpec.Codecs.SpecInfo(typeof({spec.Namespace}.{cls}))]");
            w.Line($"/// <summary>Spec <c>{spec.Name}</c> version {spec.Version}: constants, device ids, feature bits, requirement catalog.</summary>");
            w.Open($"public sealed partial class {cls} : ISpecInfo");
            w.Line($"public static readonly {cls} Instance = new {cls}();");
            w.Line($"private {cls}() {{ }}");
            w.Line($"public const string SpecName = {CodeWriter.Literal(spec.Name)};");
            w.Line($"public const int SpecVersion = {spec.Version};");
            w.Line("string ISpecInfo.Name => SpecName;");
            w.Line("int ISpecInfo.Version => SpecVersion;");
            w.Line();
            foreach (var c in spec.Constants) EmitValue(w, c.CSharpName, c.Value, c.Doc, c.Name);
            foreach (var d in spec.DeviceIds) EmitValue(w, d.CSharpName, d.Value, d.Doc ?? "Device id.", d.Name);
            foreach (var f in spec.Features)
            {
                w.Doc(f.Doc);
                w.Line($"public const int {f.CSharpName}Bit = {f.Bit};");
                w.Line($"public const ulong {f.CSharpName} = 1UL << {f.Bit};");
            }
            w.Line();
            w.Line("/// <summary>Feature bits of the spec, by bit number.</summary>");
            w.Line("public static readonly FeatureInfo[] FeatureTable = new FeatureInfo[] { " +
                   string.Join(", ", spec.Features.Select(f => $"new FeatureInfo({CodeWriter.Literal(f.Name)}, {f.Bit})")) + " };");
            w.Line("public static readonly NamedValue[] DeviceIdTable = new NamedValue[] { " +
                   string.Join(", ", spec.DeviceIds.Select(d => $"new NamedValue({CodeWriter.Literal(d.Name)}, {d.Value}UL)")) + " };");
            w.Line("IReadOnlyList<FeatureInfo> ISpecInfo.Features => FeatureTable;");
            w.Line("IReadOnlyList<NamedValue> ISpecInfo.DeviceIds => DeviceIdTable;");
            w.Line();
            EmitRequirements(w, spec);
            var wireTypes = spec.Types.Where(t => !(t is EnumType)).Select(t => $"typeof({t.CSharpName})");
            w.Line("/// <summary>Every generated wire type (structs, unions, bitfields).</summary>");
            w.Line($"public static readonly Type[] WireTypes = new Type[] {{ {string.Join(", ", wireTypes)} }};");
            w.Line("IReadOnlyList<Type> ISpecInfo.WireTypes => WireTypes;");
            var commands = spec.CommandSets.Select(s => s.CSharpName + ".Commands").ToList();
            w.Line("/// <summary>Every command of every command set.</summary>");
            w.Line(commands.Count == 0
                ? "public static readonly CommandDescriptor[] AllCommands = Array.Empty<CommandDescriptor>();"
                : $"public static readonly CommandDescriptor[] AllCommands = {string.Join(".Concat(", commands)}{string.Concat(Enumerable.Repeat(")", commands.Count - 1))}.ToArray();");
            w.Line("IReadOnlyList<CommandDescriptor> ISpecInfo.Commands => AllCommands;");
            w.Close();
            return w.ToString();
        }

        private static void EmitValue(CodeWriter w, string name, ulong value, string? doc, string specName)
        {
            w.Doc(doc);
            w.Line(value <= int.MaxValue
                ? $"[SpecName({CodeWriter.Literal(specName)})] public const int {name} = {value};"
                : $"[SpecName({CodeWriter.Literal(specName)})] public const ulong {name} = {CodeWriter.Hex(value)}UL;");
        }

        private static void EmitRequirements(CodeWriter w, SpecModel spec)
        {
            w.Line("/// <summary>Requirement IDs as constants, for tagging properties and tests.</summary>");
            w.Open("public static class Ids");
            foreach (var r in spec.Requirements)
                w.Line($"public const string {Naming.ToPascal(r.Id)} = {CodeWriter.Literal(r.Id)};");
            w.Close();
            w.Line("/// <summary>The requirement catalog: ID, role, level, section and a one-line summary.</summary>");
            w.Open("public static readonly Requirement[] Requirements = new Requirement[]");
            foreach (var r in spec.Requirements)
            {
                string feature = r.Feature == null ? "null" : CodeWriter.Literal(r.Feature);
                string untestable = r.Untestable == null ? "null" : CodeWriter.Literal(r.Untestable);
                w.Line($"new Requirement({CodeWriter.Literal(r.Id)}, SpecName, SpecVersion, RequirementRole.{r.Role}, RequirementLevel.{r.Level}, " +
                       $"{CodeWriter.Literal(r.Section)}, {CodeWriter.Literal(r.Summary)}, {feature}, {untestable}),");
            }
            w.Close(";");
            w.Line("IReadOnlyList<Requirement> ISpecInfo.Requirements => Requirements;");
            w.Line();
        }
    }
}
