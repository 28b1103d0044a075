using System.Collections.Generic;
using System.Linq;
using IsmSpec.Generator.Pipeline;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Generator.Emit
{
    /// <summary>Emits the generated files of one bound spec: types, command sets, ops interfaces, spec info.</summary>
    internal static class SpecEmitter
    {
        public static IEnumerable<GeneratedFile> Emit(SpecModel spec)
        {
            string prefix = spec.CSharpName;
            var types = CodeWriter.File(spec.Namespace);
            foreach (var t in spec.Types)
            {
                switch (t)
                {
                    case EnumType e: EnumEmitter.Emit(types, e); break;
                    case BitfieldType b: BitfieldEmitter.Emit(types, b); break;
                    case StructType s: StructEmitter.Emit(types, s); break;
                    case UnionType u: UnionEmitter.Emit(types, u); break;
                }
            }
            yield return new GeneratedFile(prefix + ".Types.g.cs", types.ToString());

            if (spec.CommandSets.Count > 0)
            {
                var commands = CodeWriter.File(spec.Namespace);
                foreach (var set in spec.CommandSets)
                {
                    if (set.Framing == Framing.VirtioCtrl) VirtioCtrlEmitter.Emit(commands, set);
                    else IsmBlockEmitter.Emit(commands, set);
                }
                yield return new GeneratedFile(prefix + ".Commands.g.cs", commands.ToString());
            }

            if (spec.Ops.Count > 0)
            {
                var ops = CodeWriter.File(spec.Namespace);
                foreach (var o in spec.Ops) OpsEmitter.Emit(ops, o);
                yield return new GeneratedFile(prefix + ".Ops.g.cs", ops.ToString());
            }

            yield return new GeneratedFile(prefix + ".Spec.g.cs", SpecInfoEmitter.Emit(spec));
        }
    }
}
