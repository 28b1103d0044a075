using System.Linq;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Generator.Emit
{
    /// <summary>Ops tables become interfaces: the mandatory group, and one interface per optional group.</summary>
    internal static class OpsEmitter
    {
        public static void Emit(CodeWriter w, OpsSymbol ops)
        {
            string typeParams = ops.Opaques.Count == 0 ? "" : "<" + string.Join(", ", ops.Opaques.Select(o => "T" + Naming.ToPascal(o))) + ">";
            foreach (var g in ops.Groups)
            {
                string name = "I" + ops.CSharpName + (g.IsOptional ? Naming.ToPascal(g.Name) : "");
                w.Doc(g.IsOptional ? (g.Doc ?? $"Optional group '{g.Name}' of {ops.Name}: implement it only if the device supports all of it.") : ops.Doc);
                w.Line($"/// <remarks>{(g.IsOptional ? "Optional" : "Mandatory")} operations of spec ops table <c>{ops.Name}</c>.</remarks>");
                w.Line($"[SpecName({CodeWriter.Literal(g.IsOptional ? ops.Name + "." + g.Name : ops.Name)})]");
                w.Open($"public interface {name}{typeParams}");
                foreach (var op in g.Operations)
                {
                    w.Doc(op.Doc);
                    if (op.ReturnType.Kind == OpTypeKind.Errno) w.Line("/// <returns>0, or a negative errno.</returns>");
                    var parameters = op.Parameters.Select(p => Parameter(p));
                    w.Line($"[SpecName({CodeWriter.Literal(op.Name)})] {TypeMap.OpType(op.ReturnType)} {op.CSharpName}({string.Join(", ", parameters)});");
                }
                w.Close();
                w.Line();
            }
        }

        private static string Parameter(ParameterSymbol p)
        {
            string type = TypeMap.OpType(p.Type);
            string modifier = p.IsOut ? "out " : p.Type.Kind == OpTypeKind.Struct ? "ref " : "";
            return modifier + type + " " + Naming.ToCamel(p.Name);
        }
    }
}
