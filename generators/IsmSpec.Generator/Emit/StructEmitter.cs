using System.Linq;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Generator.Emit
{
    /// <summary>
    /// Emits a wire struct: explicit layout over the wire image, byte-order-converting properties,
    /// Size, TryRead/TryWrite, zero-copy views, Validate, and tail accessors.
    /// </summary>
    internal static class StructEmitter
    {
        public static void Emit(CodeWriter w, StructType s)
        {
            string name = s.CSharpName;
            w.Doc(s.Doc ?? (s.Union != null ? $"The '{s.ViewName}' view of <see cref=\"{s.Union.CSharpName}\"/>." : null));
            w.Line($"/// <remarks>Spec struct <c>{s.Name}</c>: {s.Size} bytes{(s.Tail != null ? " plus a variable-length tail" : "")}, {Order(s)}.</remarks>");
            w.Line($"[SpecName({CodeWriter.Literal(s.Name)})]");
            w.Line($"[StructLayout(LayoutKind.Explicit, Size = {System.Math.Max(s.Size, 1)})]");
            w.Open($"public partial struct {name} : IWireStruct<{name}>, IEquatable<{name}>");
            w.Line($"/// <summary>Wire size in bytes{(s.Tail != null ? " of the fixed part" : "")}.</summary>");
            w.Line($"public const int Size = {s.Size};");
            w.Line("public static int WireSize => Size;");
            w.Line($"public static string SpecTypeName => {CodeWriter.Literal(s.Name)};");
            w.Line();
            foreach (var f in s.Fields.Where(f => !f.IsTail))
                w.Line($"[FieldOffset({f.Offset})] private {TypeMap.Storage(f.Type)} {MemberNames.Storage(f.Name)};");
            w.Line();
            foreach (var f in s.Fields)
            {
                if (f.IsTail) EmitTail(w, s, f);
                else FieldEmitter.Emit(w, s, f);
            }
            CodecMembers.Emit(w, name, s.Size);
            ValidateEmitter.EmitStruct(w, s);
            w.Close();
            w.Line();
        }

        private static string Order(StructType s)
        {
            var orders = s.Fields.Select(f => f.ByteOrder).Where(o => o != ByteOrder.None).Distinct().ToList();
            return orders.Count == 1 ? TypeMap.EndianWord(orders[0]) : orders.Count == 0 ? "byte fields only" : "mixed byte order";
        }

        private static void EmitTail(CodeWriter w, StructType s, FieldSymbol f)
        {
            string prop = MemberNames.For(f.CSharpName, s.CSharpName);
            var count = f.CountField!;
            string countProp = MemberNames.For(count.CSharpName, s.CSharpName);
            string countExpr = count.Type is EnumType e ? $"(ulong)({e.Underlying.ClrType}){countProp}" : $"(ulong){countProp}";
            string elementType = TypeMap.Value(f.Type);
            w.Doc(f.Doc);
            w.Line($"/// <remarks>Variable-length tail <c>{f.Name}</c>: <c>{count.Name}</c> elements of {f.ElementSize} bytes after the fixed part.</remarks>");
            w.Line($"public const int {prop}ElementSize = {f.ElementSize};");
            w.Line($"/// <summary>Number of <c>{f.Name}</c> elements the fixed part declares.</summary>");
            w.Line($"public readonly ulong {prop}Count => {countExpr};");
            w.Line("/// <summary>Bytes the whole message needs (fixed part plus tail); long.MaxValue when it cannot fit in memory.</summary>");
            w.Line($"public readonly long MessageLength => {prop}Count > (ulong)(int.MaxValue / {f.ElementSize}) ? long.MaxValue : Size + (long){prop}Count * {f.ElementSize};");
            w.Line("/// <summary>Reads the fixed part and slices the tail; false (no throw) when the message is shorter than it declares.</summary>");
            w.Open($"public static bool TryReadMessage(ReadOnlySpan<byte> message, out {s.CSharpName} value, out ReadOnlySpan<byte> tail)");
            w.Line("tail = default;");
            w.Line("if (!TryRead(message, out value)) return false;");
            w.Line("long length = value.MessageLength;");
            w.Line("if (length > message.Length) return false;");
            w.Line("tail = message.Slice(Size, (int)(length - Size));");
            w.Line("return true;");
            w.Close();
            if (f.Type is StructType st)
            {
                w.Line($"public static {elementType} Get{prop}(ReadOnlySpan<byte> tail, int index) => MemoryMarshal.Read<{elementType}>(tail.Slice(index * {st.Size}, {st.Size}));");
                w.Line($"public static void Set{prop}(Span<byte> tail, int index, in {elementType} value) => MemoryMarshal.Write(tail.Slice(index * {st.Size}, {st.Size}), in value);");
            }
            else
            {
                var p = TypeMap.IntegerOf(f.Type)!;
                string read = TypeMap.Apply(p, $"MemoryMarshal.Read<{p.ClrType}>(tail.Slice(index * {p.Size}, {p.Size}))");
                string cast = f.Type is EnumType ? $"({elementType})" : "";
                string back = f.Type is EnumType ? $"({p.ClrType})value" : "value";
                w.Line($"public static {elementType} Get{prop}(ReadOnlySpan<byte> tail, int index) => {cast}{read};");
                w.Line($"public static void Set{prop}(Span<byte> tail, int index, {elementType} value) => MemoryMarshal.Write(tail.Slice(index * {p.Size}, {p.Size}), {TypeMap.Apply(p, back)});");
            }
            w.Line();
        }
    }
}
