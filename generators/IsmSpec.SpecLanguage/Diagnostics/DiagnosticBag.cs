using System.Collections.Generic;
using System.Linq;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Diagnostics
{
    /// <summary>Collects diagnostics in report order.</summary>
    public sealed class DiagnosticBag
    {
        private readonly List<SpecDiagnostic> _items = new List<SpecDiagnostic>();

        public IReadOnlyList<SpecDiagnostic> Items => _items;
        public bool HasErrors => _items.Any(d => d.Severity == SpecSeverity.Error);

        public void Report(string id, SourceSpan span, string message) => _items.Add(new SpecDiagnostic(id, message, span));
        public void Warn(string id, SourceSpan span, string message) => _items.Add(new SpecDiagnostic(id, message, span, SpecSeverity.Warning));
        public void AddRange(IEnumerable<SpecDiagnostic> items) => _items.AddRange(items);
    }
}
