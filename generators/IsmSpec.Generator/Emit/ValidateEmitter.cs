using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Generator.Emit
{
    /// <summary>Validate(): reserved fields/bits zero, enum values defined, flag sets without unknown bits, nested checks.</summary>
    internal static class ValidateEmitter
    {
        public static void EmitStruct(CodeWriter w, StructType s)
        {
            w.Line("/// <summary>Checks reserved fields are zero, enum values are defined and flags hold only known bits. Allocation-free.</summary>");
            w.Open("public readonly bool Validate(out string? error)");
            foreach (var f in s.Fields)
            {
                if (f.IsTail) continue;
                string store = MemberNames.Storage(f.Name);
                string where = $"'{f.Name}' of {s.Name}";
                int bytes = f.Size;
                if (f.IsReserved)
                {
                    w.Line($"if (!WireValidation.IsZero(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<{TypeMap.Storage(f.Type)}, byte>(ref Unsafe.AsRef(in {store})), {bytes}))) {{ error = {CodeWriter.Literal("reserved field " + where + " is not zero")}; return false; }}");
                    continue;
                }
                EmitValueCheck(w, f, store, where);
            }
            w.Line("error = null;");
            w.Line("return true;");
            w.Close();
        }

        private static void EmitValueCheck(CodeWriter w, FieldSymbol f, string store, string where)
        {
            string element = f.IsArray ? $"Unsafe.Add(ref Unsafe.AsRef(in {store}), i)" : store;
            string? check = f.Type switch
            {
                EnumType e when e.IsFlags => $"(({e.Underlying.ClrType}){TypeMap.Apply(e.Underlying, element)} & unchecked(({e.Underlying.ClrType})~{e.CSharpName}Info.AllBits)) != 0",
                EnumType e => $"!{e.CSharpName}Info.IsDefined(({e.CSharpName}){TypeMap.Apply(e.Underlying, element)})",
                BitfieldType _ => $"!{element}.Validate(out error)",
                StructType _ => $"!{element}.Validate(out error)",
                _ => null,
            };
            if (check == null) return;
            bool nested = f.Type is BitfieldType || f.Type is StructType;
            string fail = nested ? "return false;" : $"{{ error = {CodeWriter.Literal((f.Type is EnumType fe && fe.IsFlags ? "unknown flag bits in " : "undefined value in ") + where)}; return false; }}";
            if (f.IsArray) w.Line($"for (int i = 0; i < {f.ArrayLength}; i++) if ({check}) {fail}");
            else w.Line($"if ({check}) {fail}");
        }
    }
}
