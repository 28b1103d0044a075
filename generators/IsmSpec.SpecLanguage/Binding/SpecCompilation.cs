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
    /// The entry point: parses and binds a set of .ism files into spec models. Files sharing a
    /// <c>spec NAME version N</c> header form one spec. Never throws on bad input.
    /// </summary>
    public sealed partial class SpecCompilation
    {
        private SpecCompilation(IReadOnlyList<SpecModel> specs, IReadOnlyList<SpecDiagnostic> diagnostics)
        {
            Specs = specs; Diagnostics = diagnostics;
        }

        public IReadOnlyList<SpecModel> Specs { get; }
        public IReadOnlyList<SpecDiagnostic> Diagnostics { get; }
        public bool HasErrors => Diagnostics.Any(d => d.Severity == SpecSeverity.Error);

        public static SpecCompilation Create(IEnumerable<SourceFile> files)
        {
            var diagnostics = new DiagnosticBag();
            var parsed = new List<SpecFileSyntax>();
            foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                parsed.Add(Parser.Parse(file, diagnostics));
            }
            var specs = Binder.BindAll(parsed, diagnostics);
            return new SpecCompilation(specs, diagnostics.Items.ToList());
        }

        public static SpecCompilation FromText(params (string Path, string Text)[] files) =>
            Create(files.Select(f => new SourceFile(f.Path, f.Text)));

        public SpecModel? FindSpec(string name, ulong? version = null) =>
            Specs.Where(s => s.Name == name && (version == null || s.Version == version))
                 .OrderByDescending(s => version == null ? 0UL : s.Version).ThenBy(s => s.Version).FirstOrDefault();

        /// <summary>Finds a type by spec name or C# name in any spec ("spec:type" narrows the search).</summary>
        public IReadOnlyList<TypeSymbol> FindTypes(string name)
        {
            string? specName = null;
            int colon = name.IndexOf(':');
            if (colon > 0) { specName = name.Substring(0, colon); name = name.Substring(colon + 1); }
            return Specs.Where(s => specName == null || s.Name == specName || s.Key == specName)
                        .Select(s => s.FindType(name))
                        .Where(t => t != null)
                        .Select(t => t!)
                        .ToList();
        }
    }
}
