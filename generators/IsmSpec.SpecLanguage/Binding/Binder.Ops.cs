using System.Collections.Generic;
using IsmSpec.SpecLanguage.Diagnostics;
using IsmSpec.SpecLanguage.Model;
using IsmSpec.SpecLanguage.Syntax;

namespace IsmSpec.SpecLanguage.Binding
{
    /// <summary>Operation tables (become C# interfaces) and requirements.</summary>
    internal sealed partial class Binder
    {
        private void BindOps(OpsSyntax syntax)
        {
            var opaques = new List<string>();
            var groups = new List<OperationGroup>();
            var names = new HashSet<string>();
            foreach (var g in syntax.Groups)
            {
                var operations = new List<OperationSymbol>();
                foreach (var op in g.Operations)
                {
                    CheckIdentifier(op.Name, op.NameSpan);
                    if (!names.Add(Naming.ToPascal(op.Name)))
                    {
                        _diagnostics.Report(DiagnosticIds.DuplicateName, op.NameSpan, $"'{op.Name}' is already an operation of '{syntax.Name}'");
                        continue;
                    }
                    var returnType = BindOpType(op.ReturnType, opaques, isReturn: true);
                    var parameters = new List<ParameterSymbol>();
                    var parameterNames = new HashSet<string>();
                    bool ok = returnType != null;
                    foreach (var p in op.Parameters)
                    {
                        CheckIdentifier(p.Name, p.NameSpan);
                        if (!parameterNames.Add(p.Name))
                        {
                            _diagnostics.Report(DiagnosticIds.DuplicateName, p.NameSpan, $"'{p.Name}' is already a parameter of '{op.Name}'");
                            ok = false;
                            continue;
                        }
                        var type = BindOpType(p.Type, opaques, isReturn: false);
                        if (type == null) { ok = false; continue; }
                        parameters.Add(new ParameterSymbol(p.Name, p.NameSpan, type, p.IsOut));
                    }
                    if (ok) operations.Add(new OperationSymbol(op.Name, op.NameSpan, op.Doc, returnType!, parameters));
                }
                groups.Add(new OperationGroup(g.Name, g.NameSpan, g.Doc, g.IsOptional, operations));
            }
            _spec.Ops.Add(new OpsSymbol(syntax.Name, syntax.NameSpan, syntax.Doc, groups, opaques));
        }

        private OpType? BindOpType(TypeReferenceSyntax reference, List<string> opaques, bool isReturn)
        {
            switch (reference.Name)
            {
                case "void": if (isReturn) return new OpType(OpTypeKind.Void, "void"); break;
                case "errno": if (isReturn) return new OpType(OpTypeKind.Errno, "errno", 32, true); break;
                case "u8": return new OpType(OpTypeKind.Integer, "u8", 8);
                case "u16": return new OpType(OpTypeKind.Integer, "u16", 16);
                case "u32": return new OpType(OpTypeKind.Integer, "u32", 32);
                case "u64": return new OpType(OpTypeKind.Integer, "u64", 64);
                case "i32": return new OpType(OpTypeKind.Integer, "i32", 32, true);
                case "bool": return new OpType(OpTypeKind.Bool, "bool");
                case "uuid": if (!isReturn) return new OpType(OpTypeKind.Uuid, "uuid"); break;
                case "bytes": if (!isReturn) return new OpType(OpTypeKind.Bytes, "bytes"); break;
                case "span": if (!isReturn) return new OpType(OpTypeKind.Span, "span"); break;
            }
            if (_declarations.TryGetValue(reference.Name, out var entry) && entry.Syntax is OpaqueSyntax && !isReturn)
            {
                if (!opaques.Contains(reference.Name)) opaques.Add(reference.Name);
                return new OpType(OpTypeKind.Opaque, reference.Name);
            }
            var t = ResolveType(reference.Name, reference.Span, report: false);
            if (t is StructType s && !isReturn) return new OpType(OpTypeKind.Struct, reference.Name, structType: s);
            _diagnostics.Report(DiagnosticIds.UnknownType, reference.Span,
                $"'{reference.Name}' is not a valid {(isReturn ? "return" : "parameter")} type (see spec/README.md, Operation tables)");
            return null;
        }

        private readonly Dictionary<string, RequirementSymbol> _requirementIds = new Dictionary<string, RequirementSymbol>(System.StringComparer.Ordinal);

        private void BindRequirement(RequirementSyntax r)
        {
            RequirementRole role;
            switch (r.Role.Name)
            {
                case "device": role = RequirementRole.Device; break;
                case "driver": role = RequirementRole.Driver; break;
                case "client": role = RequirementRole.Client; break;
                case "layer": role = RequirementRole.Layer; break;
                default:
                    _diagnostics.Report(DiagnosticIds.Syntax, r.Role.Span, $"unknown role '{r.Role.Name}' (expected device, driver, client or layer)");
                    return;
            }
            var level = r.Level switch
            {
                "MUST" => RequirementLevel.Must,
                "MUST NOT" => RequirementLevel.MustNot,
                "SHOULD" => RequirementLevel.Should,
                "SHOULD NOT" => RequirementLevel.ShouldNot,
                _ => RequirementLevel.May,
            };
            if (string.IsNullOrWhiteSpace(r.Summary))
            {
                _diagnostics.Report(DiagnosticIds.EmptySummary, r.SummarySpan, $"requirement '{r.Name}' needs a one-line summary in our own words");
                return;
            }
            if (r.Feature != null && !(_declarations.TryGetValue(r.Feature, out var f) && f.Syntax is ValueDeclarationSyntax v && v.Keyword == "feature"))
            {
                _diagnostics.Report(DiagnosticIds.UnknownType, r.FeatureSpan, $"unknown feature '{r.Feature}'");
                return;
            }
            if (_requirementIds.ContainsKey(r.Name))
            {
                _diagnostics.Report(DiagnosticIds.DuplicateRequirementId, r.NameSpan, $"requirement ID '{r.Name}' is already used in spec '{_spec.Name}'");
                return;
            }
            var symbol = new RequirementSymbol(r.Name, r.NameSpan, r.Doc, role, level, r.Summary.Trim(), r.Section, r.Feature, r.Untestable);
            _requirementIds[r.Name] = symbol;
            _spec.Requirements.Add(symbol);
        }
    }
}
