using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Diagnostics
{
    public enum SpecSeverity { Error, Warning }

    /// <summary>One problem in a spec file: an ID, a message and the exact span.</summary>
    public sealed class SpecDiagnostic
    {
        public SpecDiagnostic(string id, string message, SourceSpan span, SpecSeverity severity = SpecSeverity.Error)
        {
            Id = id; Message = message; Span = span; Severity = severity;
        }

        public string Id { get; }
        public string Message { get; }
        public SourceSpan Span { get; }
        public SpecSeverity Severity { get; }

        /// <summary>Compiler-style one-liner: <c>file:line:col: error ISM0002: message</c>.</summary>
        public override string ToString() =>
            $"{Span}: {(Severity == SpecSeverity.Error ? "error" : "warning")} {Id}: {Message}";
    }
}
