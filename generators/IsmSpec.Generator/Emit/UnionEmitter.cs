using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Generator.Emit
{
    /// <summary>A union: one block of memory, each view a reference to the same bytes.</summary>
    internal static class UnionEmitter
    {
        public static void Emit(CodeWriter w, UnionType u)
        {
            string name = u.CSharpName;
            w.Doc(u.Doc);
            w.Line($"/// <remarks>Spec union <c>{u.Name}</c>: {u.Size} bytes{(u.Align > 1 ? $", aligned to {u.Align}" : "")}; views overlay the same memory.</remarks>");
            w.Line($"[SpecName({CodeWriter.Literal(u.Name)})]");
            w.Line($"[StructLayout(LayoutKind.Explicit, Size = {u.Size})]");
            w.Open($"public partial struct {name} : IWireStruct<{name}>, IEquatable<{name}>");
            w.Line($"public const int Size = {u.Size};");
            w.Line("public static int WireSize => Size;");
            w.Line($"public static string SpecTypeName => {CodeWriter.Literal(u.Name)};");
            w.Line();
            foreach (var v in u.Views)
                w.Line($"[FieldOffset(0)] private {v.Struct.CSharpName} {MemberNames.Storage(v.Name)};");
            w.Line();
            foreach (var v in u.Views)
            {
                w.Line($"/// <summary>The <c>{v.Name}</c> view ({v.Struct.Size} bytes).</summary>");
                w.Line($"[UnscopedRef] public ref {v.Struct.CSharpName} {MemberNames.For(v.CSharpName, name)} => ref {MemberNames.Storage(v.Name)};");
            }
            w.Line();
            CodecMembers.Emit(w, name, u.Size);
            w.Line("/// <summary>Which view is live is not known here: validate the view you use.</summary>");
            w.Line("public readonly bool Validate(out string? error) { error = null; return true; }");
            w.Close();
            w.Line();
        }
    }
}
