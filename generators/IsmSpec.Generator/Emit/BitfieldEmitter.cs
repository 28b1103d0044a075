using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Generator.Emit
{
    /// <summary>A bitfield: an integer in wire order with typed accessors per bit range (bit 0 = value 1).</summary>
    internal static class BitfieldEmitter
    {
        public static void Emit(CodeWriter w, BitfieldType b)
        {
            string name = b.CSharpName;
            var p = b.Underlying;
            string t = p.ClrType;
            w.Doc(b.Doc);
            w.Line($"/// <remarks>Spec bitfield <c>{b.Name}</c> over {p.Name} ({TypeMap.EndianWord(p.ByteOrder)}); bit 0 is the value's least significant bit.</remarks>");
            w.Line($"[SpecName({CodeWriter.Literal(b.Name)})]");
            w.Line($"[StructLayout(LayoutKind.Explicit, Size = {p.Size})]");
            w.Open($"public partial struct {name} : IWireStruct<{name}>, IEquatable<{name}>");
            w.Line($"public const int Size = {p.Size};");
            w.Line("public static int WireSize => Size;");
            w.Line($"public static string SpecTypeName => {CodeWriter.Literal(b.Name)};");
            w.Line($"/// <summary>Bits that must be zero.</summary>");
            w.Line($"public const {t} ReservedMask = {CodeWriter.Hex(b.ReservedMask)};");
            w.Line($"[FieldOffset(0)] private {t} _raw;");
            w.Line();
            w.Line("/// <summary>The whole integer, byte order converted.</summary>");
            w.Line($"public {t} Value {{ readonly get => {TypeMap.Apply(p, "_raw")}; set => _raw = {TypeMap.Apply(p, "value")}; }}");
            w.Line($"public static {name} FromValue({t} value) {{ {name} result = default; result.Value = value; return result; }}");
            w.Line();
            foreach (var m in b.Members) EmitMember(w, b, m);
            CodecMembers.Emit(w, name, p.Size);
            EmitValidate(w, b);
            w.Close();
            w.Line();
        }

        private static void EmitMember(CodeWriter w, BitfieldType b, BitMember m)
        {
            string prop = MemberNames.For(m.CSharpName, b.CSharpName);
            string t = b.Underlying.ClrType;
            ulong mask = m.Width >= 64 ? ulong.MaxValue : (1UL << m.Width) - 1;
            string maskHex = CodeWriter.Hex(mask) + "UL";
            w.Doc(m.Doc);
            w.Line($"/// <remarks>Bits {m.Low}{(m.Width > 1 ? ".." + m.High : "")}{(m.IsReserved ? "; reserved, must be zero" : "")}.</remarks>");
            w.Line($"public const int {prop}Shift = {m.Low};");
            w.Line($"public const int {prop}Width = {m.Width};");
            if (m.Width == 1 && m.AsEnum == null)
            {
                w.Open($"public bool {prop}");
                w.Line($"readonly get => ((ulong)Value & (1UL << {m.Low})) != 0;");
                w.Line($"set => Value = ({t})(value ? ((ulong)Value | (1UL << {m.Low})) : ((ulong)Value & ~(1UL << {m.Low})));");
                w.Close();
                w.Line();
                return;
            }
            string valueType = m.AsEnum != null ? m.AsEnum.CSharpName : TypeMap.UnsignedFor(m.Width);
            string raw = m.AsEnum != null ? $"(ulong)({m.AsEnum.Underlying.ClrType})value" : "(ulong)value";
            w.Open($"public {valueType} {prop}");
            w.Line($"readonly get => ({valueType})(((ulong)Value >> {m.Low}) & {maskHex});");
            w.Open("set");
            w.Line($"ulong bits = {raw};");
            w.Line($"if (bits > {maskHex}) Wire.ThrowBitfieldOverflow({CodeWriter.Literal(m.Name)}, {m.Width});");
            w.Line($"Value = ({t})(((ulong)Value & ~({maskHex} << {m.Low})) | (bits << {m.Low}));");
            w.Close();
            w.Close();
            w.Line();
        }

        private static void EmitValidate(CodeWriter w, BitfieldType b)
        {
            w.Line("/// <summary>Checks reserved bits are zero and enum-typed members hold defined values.</summary>");
            w.Open("public readonly bool Validate(out string? error)");
            w.Line($"if (((ulong)Value & ReservedMask) != 0) {{ error = {CodeWriter.Literal($"reserved bits of {b.Name} are not zero")}; return false; }}");
            foreach (var m in b.Members)
            {
                if (m.AsEnum == null || m.AsEnum.IsFlags) continue;
                string prop = MemberNames.For(m.CSharpName, b.CSharpName);
                w.Line($"if (!{m.AsEnum.CSharpName}Info.IsDefined({prop})) {{ error = {CodeWriter.Literal($"undefined value in '{m.Name}' of {b.Name}")}; return false; }}");
            }
            w.Line("error = null;");
            w.Line("return true;");
            w.Close();
        }
    }
}
