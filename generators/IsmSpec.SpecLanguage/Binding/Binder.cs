using System;
using System.Collections.Generic;
using System.Linq;
using IsmSpec.SpecLanguage.Diagnostics;
using IsmSpec.SpecLanguage.Model;
using IsmSpec.SpecLanguage.Syntax;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Binding
{
    /// <summary>
    /// Binds the declarations of one spec: resolves names, evaluates constants, computes layouts and
    /// checks every rule of spec/README.md. Types bind lazily so declaration order does not matter.
    /// </summary>
    internal sealed partial class Binder
    {
        private readonly SpecModel _spec;
        private readonly DiagnosticBag _diagnostics;
        private readonly Dictionary<string, (DeclarationSyntax Syntax, SourceFile File)> _declarations = new Dictionary<string, (DeclarationSyntax, SourceFile)>(StringComparer.Ordinal);
        private readonly Dictionary<string, TypeSymbol> _boundTypes = new Dictionary<string, TypeSymbol>(StringComparer.Ordinal);
        private readonly HashSet<string> _binding = new HashSet<string>(StringComparer.Ordinal);
        /// <summary>
        /// Types and constants being bound at once (each one's binding is a recursive call). Bounding it keeps
        /// a long chain of declarations (s0 holds s1 holds s2 ...) from overflowing the stack.
        /// </summary>
        private const int MaxBindingDepth = 128;
        private readonly Dictionary<string, ulong?> _constantValues = new Dictionary<string, ulong?>(StringComparer.Ordinal);

        private Binder(SpecModel spec, DiagnosticBag diagnostics)
        {
            _spec = spec; _diagnostics = diagnostics;
        }

        public static IReadOnlyList<SpecModel> BindAll(IReadOnlyList<SpecFileSyntax> files, DiagnosticBag diagnostics)
        {
            var specs = new List<SpecModel>();
            var groups = files.Where(f => f.Header != null)
                              .GroupBy(f => (f.Header!.Name, f.Header.Version))
                              .OrderBy(g => g.Key.Name, StringComparer.Ordinal).ThenBy(g => g.Key.Version);
            foreach (var group in groups)
            {
                var first = group.First();
                var header = first.Header!;
                if (header.Name.IndexOf('-') < 0 && !IsIdentifierLike(header.Name))
                    diagnostics.Report(DiagnosticIds.MissingHeader, header.NameSpan, $"'{header.Name}' is not a valid spec name");
                string ns = ResolveNamespace(group.ToList(), diagnostics);
                var spec = new SpecModel(header.Name, header.Version, ns, header.NameSpan);
                spec.Files.AddRange(group.Select(f => f.File.Path));
                new Binder(spec, diagnostics).Bind(group.ToList());
                specs.Add(spec);
            }
            CheckRequirementIdsAcrossSpecs(specs, diagnostics);
            return specs;
        }

        private static bool IsIdentifierLike(string s) => s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_');

        private static string ResolveNamespace(List<SpecFileSyntax> files, DiagnosticBag diagnostics)
        {
            string? chosen = null;
            foreach (var f in files)
            {
                var ns = f.Header!.Namespace;
                if (ns == null) continue;
                if (chosen == null) chosen = ns;
                else if (chosen != ns)
                    diagnostics.Report(DiagnosticIds.NamespaceConflict, f.Header.NamespaceSpan,
                        $"spec '{f.Header.Name}' version {f.Header.Version} is declared with namespace '{ns}' here and '{chosen}' elsewhere");
            }
            if (chosen != null) return chosen;
            var h = files[0].Header!;
            return "IsmSpec.Specs." + Naming.ToPascal(h.Name) + (h.Version > 1 ? ".V" + h.Version : "");
        }

        private static void CheckRequirementIdsAcrossSpecs(List<SpecModel> specs, DiagnosticBag diagnostics)
        {
            // Within one spec version duplicates are reported while binding; across different specs an ID
            // must name one requirement only (versions of one spec may keep the IDs they share).
            var owner = new Dictionary<string, SpecModel>(StringComparer.Ordinal);
            foreach (var spec in specs)
            {
                foreach (var r in spec.Requirements)
                {
                    if (owner.TryGetValue(r.Id, out var other) && other.Name != spec.Name)
                        diagnostics.Report(DiagnosticIds.DuplicateRequirementId, r.Span,
                            $"requirement ID '{r.Id}' is already used by spec '{other.Name}'");
                    else if (!owner.ContainsKey(r.Id)) owner[r.Id] = spec;
                }
            }
        }

        private void Bind(List<SpecFileSyntax> files)
        {
            var ordered = new List<(DeclarationSyntax Syntax, SourceFile File)>();
            foreach (var file in files)
                foreach (var decl in file.Declarations)
                    ordered.Add((decl, file.File));

            // Pass 1: the name table (one namespace for values, types, command sets, ops and opaques).
            var csharpNames = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (decl, file) in ordered)
            {
                if (decl is RequirementSyntax) continue;
                CheckIdentifier(decl.Name, decl.NameSpan);
                if (_declarations.ContainsKey(decl.Name))
                {
                    _diagnostics.Report(DiagnosticIds.DuplicateName, decl.NameSpan, $"'{decl.Name}' is already declared in spec '{_spec.Name}'");
                    continue;
                }
                var csharp = Naming.ToPascal(decl.Name);
                if (csharpNames.TryGetValue(csharp, out var clash) && !(decl is ValueDeclarationSyntax))
                {
                    _diagnostics.Report(DiagnosticIds.DuplicateName, decl.NameSpan, $"'{decl.Name}' and '{clash}' both become C# name '{csharp}'");
                    continue;
                }
                if (!(decl is ValueDeclarationSyntax)) csharpNames[csharp] = decl.Name;
                _declarations[decl.Name] = (decl, file);
            }
            foreach (var inline in InlineStructNames(ordered))
            {
                if (_declarations.ContainsKey(inline.Name))
                    _diagnostics.Report(DiagnosticIds.DuplicateName, inline.Span,
                        $"the inline struct name '{inline.Name}' is already declared in spec '{_spec.Name}'");
            }

            // Pass 2: bind in declaration order (types bind lazily on first use).
            foreach (var (decl, file) in ordered)
            {
                if (!(decl is RequirementSyntax) && !(_declarations.TryGetValue(decl.Name, out var entry) && ReferenceEquals(entry.Syntax, decl)))
                    continue; // a duplicate or a C# name clash, already reported in pass 1
                switch (decl)
                {
                    case ValueDeclarationSyntax v: BindValue(v); break;
                    case EnumSyntax _:
                    case BitfieldSyntax _:
                    case StructSyntax _:
                    case UnionSyntax _:
                        ResolveType(decl.Name, decl.NameSpan); break;
                    case CommandSetSyntax c: BindCommandSet(c, file); break;
                    case OpsSyntax o: BindOps(o); break;
                    case OpaqueSyntax o: _spec.Opaques.Add(new OpaqueSymbol(o.Name, o.NameSpan, o.Doc)); break;
                    case RequirementSyntax r: BindRequirement(r); break;
                }
            }
            OrderTypesByDeclaration(ordered);
        }

        /// <summary>Names that inline command payloads and union views will take, for duplicate checks.</summary>
        private IEnumerable<(string Name, SourceSpan Span)> InlineStructNames(List<(DeclarationSyntax Syntax, SourceFile File)> ordered)
        {
            foreach (var (decl, _) in ordered)
            {
                if (decl is UnionSyntax u)
                    foreach (var v in u.Views.Where(v => v.Fields != null)) yield return (u.Name + "_" + v.Name, v.NameSpan);
                if (decl is CommandSetSyntax cs)
                    foreach (var c in cs.Commands)
                    {
                        if (c.Request?.Fields != null) yield return (cs.Name + "_" + c.Name + "_request", c.Request.Span);
                        if (c.Reply?.Fields != null) yield return (cs.Name + "_" + c.Name + "_reply", c.Reply.Span);
                    }
            }
        }

        private void OrderTypesByDeclaration(List<(DeclarationSyntax Syntax, SourceFile File)> ordered)
        {
            // Types were added as they were bound (dependencies first); keep that order, it is stable
            // and lets generated code and layout listings read top-down.
            foreach (var t in _spec.Types) t.Spec = _spec;
        }

        private void CheckIdentifier(string name, SourceSpan span)
        {
            if (name.IndexOf('-') >= 0)
                _diagnostics.Report(DiagnosticIds.HyphenatedName, span,
                    $"'{name}' contains '-': only spec names and requirement IDs may; use '_' (or spaces around a minus sign)");
        }

        private void BindValue(ValueDeclarationSyntax v)
        {
            var value = EvaluateConstantDeclaration(v.Name);
            if (value == null) return;
            switch (v.Keyword)
            {
                case "const":
                    _spec.Constants.Add(new ConstantSymbol(v.Name, v.NameSpan, v.Doc, value.Value));
                    break;
                case "device_id":
                    _spec.DeviceIds.Add(new DeviceIdSymbol(v.Name, v.NameSpan, v.Doc, value.Value));
                    break;
                case "feature":
                    if (value.Value > 63)
                    {
                        _diagnostics.Report(DiagnosticIds.ValueOutOfRange, v.Value.Span, $"feature bit {value.Value} is outside 0..63");
                        return;
                    }
                    _spec.Features.Add(new FeatureSymbol(v.Name, v.NameSpan, v.Doc, (int)value.Value));
                    break;
            }
        }
    }
}
