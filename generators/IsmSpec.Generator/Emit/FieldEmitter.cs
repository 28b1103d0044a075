using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Generator.Emit
{
    /// <summary>Accessors for one fixed-position field, by kind: integer, enum, bitfield, struct, bytes, arrays.</summary>
    internal static class FieldEmitter
    {
        public static void Emit(CodeWriter w, StructType owner, FieldSymbol f)
        {
            string prop = MemberNames.For(f.CSharpName, owner.CSharpName);
            string store = MemberNames.Storage(f.Name);
            w.Doc(f.Doc);
            w.Line($"/// <remarks><c>{f.Type.Name} {f.Name}{(f.IsArray ? $"[{f.ArrayLength}]" : "")}</c> at offset {f.Offset}, {f.Size} bytes, {TypeMap.EndianWord(f.ByteOrder)}{Notes(f)}.</remarks>");
            w.Line($"[SpecName({CodeWriter.Literal(f.Name)})]");
            if (IsByteBlock(f))
            {
                int length = f.IsArray ? f.ArrayLength * f.ElementSize : f.ElementSize;
                w.Line($"[UnscopedRef] public Span<byte> {prop} => MemoryMarshal.CreateSpan(ref {store}, {length});");
                if (f.IsArray) w.Line($"public const int {prop}Length = {f.ArrayLength};");
            }
            else if (f.IsArray)
            {
                EmitArray(w, f, prop, store);
            }
            else
            {
                EmitScalar(w, f, prop, store);
            }
            w.Line();
        }

        private static string Notes(FieldSymbol f) =>
            (f.IsReserved ? "; reserved, must be zero" : "") + (f.IsHostOnly ? "; host-only (an in-memory address or handle, meaningless on a wire)" : "");

        /// <summary>u8 arrays and uuids are exposed as byte spans over the struct's memory.</summary>
        private static bool IsByteBlock(FieldSymbol f) =>
            f.Type is PrimitiveType p && (p.Primitive == PrimitiveKind.Uuid || (p.Primitive == PrimitiveKind.U8 && f.IsArray));

        private static void EmitScalar(CodeWriter w, FieldSymbol f, string prop, string store)
        {
            switch (f.Type)
            {
                case PrimitiveType p:
                    w.Line($"public {p.ClrType} {prop} {{ readonly get => {TypeMap.Apply(p, store)}; set => {store} = {TypeMap.Apply(p, "value")}; }}");
                    break;
                case EnumType e:
                    w.Line($"public {e.CSharpName} {prop} {{ readonly get => ({e.CSharpName}){TypeMap.Apply(e.Underlying, store)}; set => {store} = {TypeMap.Apply(e.Underlying, $"({e.Underlying.ClrType})value")}; }}");
                    break;
                default:
                    // Bitfields and nested structs hold wire bytes already: hand out a reference so
                    // `msg.Hdr.Len = 40` and `desc.Flags.Next = true` write in place.
                    w.Line($"[UnscopedRef] public ref {f.Type.CSharpName} {prop} => ref {store};");
                    break;
            }
        }

        private static void EmitArray(CodeWriter w, FieldSymbol f, string prop, string store)
        {
            int n = f.ArrayLength;
            w.Line($"public const int {prop}Length = {n};");
            if (f.Type is StructType st)
            {
                w.Line($"[UnscopedRef] public Span<{st.CSharpName}> {prop} => MemoryMarshal.CreateSpan(ref {store}, {n});");
                return;
            }
            string element = TypeMap.Value(f.Type);
            string storage = TypeMap.Storage(f.Type);
            w.Line($"/// <summary>The raw wire bytes of <c>{f.Name}</c>.</summary>");
            w.Line($"[UnscopedRef] public Span<byte> {prop}Bytes => MemoryMarshal.CreateSpan(ref Unsafe.As<{storage}, byte>(ref {store}), {n * f.ElementSize});");
            string check = $"if ((uint)index >= {n}) Wire.ThrowIndexOutOfRange({CodeWriter.Literal(f.Name)}, {n});";
            string slot = $"Unsafe.Add(ref Unsafe.AsRef(in {store}), index)";
            switch (f.Type)
            {
                case PrimitiveType p:
                    w.Line($"public readonly {p.ClrType} Get{prop}(int index) {{ {check} return {TypeMap.Apply(p, slot)}; }}");
                    w.Line($"public void Set{prop}(int index, {p.ClrType} value) {{ {check} Unsafe.Add(ref {store}, index) = {TypeMap.Apply(p, "value")}; }}");
                    break;
                case EnumType e:
                    w.Line($"public readonly {element} Get{prop}(int index) {{ {check} return ({element}){TypeMap.Apply(e.Underlying, slot)}; }}");
                    w.Line($"public void Set{prop}(int index, {element} value) {{ {check} Unsafe.Add(ref {store}, index) = {TypeMap.Apply(e.Underlying, $"({e.Underlying.ClrType})value")}; }}");
                    break;
                default:
                    w.Line($"public readonly {element} Get{prop}(int index) {{ {check} return {slot}; }}");
                    w.Line($"public void Set{prop}(int index, {element} value) {{ {check} Unsafe.Add(ref {store}, index) = value; }}");
                    break;
            }
        }
    }
}
