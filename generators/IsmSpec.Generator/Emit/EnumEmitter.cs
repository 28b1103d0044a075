using System.Linq;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Generator.Emit
{
    /// <summary>Enums and flag sets, each with an Info class (IsDefined, NameOf, AllBits).</summary>
    internal static class EnumEmitter
    {
        public static void Emit(CodeWriter w, EnumType e)
        {
            string name = e.CSharpName;
            string t = e.Underlying.ClrType;
            w.Doc(e.Doc);
            w.Line($"/// <remarks>Spec {(e.IsFlags ? "flags" : "enum")} <c>{e.Name}</c> on the wire as {e.Underlying.Name}.</remarks>");
            w.Line($"[SpecName({CodeWriter.Literal(e.Name)})]");
            if (e.IsFlags) w.Line("[Flags]");
            w.Open($"public enum {name} : {t}");
            foreach (var m in e.Members)
            {
                w.Doc(m.Doc);
                w.Line($"[SpecName({CodeWriter.Literal(m.Name)})] {m.CSharpName} = {CodeWriter.Hex(m.Value)},");
            }
            w.Close();
            w.Line();
            w.Line($"/// <summary>Facts about <see cref=\"{name}\"/> for validation and decoding.</summary>");
            w.Open($"public static class {name}Info");
            if (e.IsFlags)
            {
                ulong all = e.Members.Aggregate(0UL, (acc, m) => acc | m.Value);
                w.Line($"/// <summary>Every bit a defined member uses.</summary>");
                w.Line($"public const {t} AllBits = {CodeWriter.Hex(all)};");
                w.Line($"public static bool IsDefined({name} value) => (({t})value & unchecked(({t})~AllBits)) == 0;");
            }
            else
            {
                var values = string.Join(" or ", e.Members.Select(m => CodeWriter.Hex(m.Value)).Distinct());
                w.Line(e.Members.Count == 0
                    ? $"public static bool IsDefined({name} value) => false;"
                    : $"public static bool IsDefined({name} value) => ({t})value is {values};");
            }
            w.Open($"public static string? SpecNameOf({name} value) => value switch");
            foreach (var m in e.Members.GroupBy(m => m.Value).Select(g => g.First()))
                w.Line($"{name}.{m.CSharpName} => {CodeWriter.Literal(m.Name)},");
            w.Line("_ => null,");
            w.Close(";");
            w.Close();
            w.Line();
        }
    }
}
