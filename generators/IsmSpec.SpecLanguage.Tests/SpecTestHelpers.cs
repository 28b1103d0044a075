using IsmSpec.SpecLanguage.Binding;
using IsmSpec.SpecLanguage.Diagnostics;
using IsmSpec.SpecLanguage.Model;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Tests;

/// <summary>Compiles spec text and checks diagnostics and layouts.</summary>
internal static class SpecTest
{
    public const string Header = "spec demo version 1;";

    /// <summary>Joins lines with '\n', so line N of the text is argument N (zero-based, as spans are).</summary>
    public static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    public static SpecCompilation Compile(string text, string path = "test.ism") => SpecCompilation.FromText((path, text));

    public static string Format(IEnumerable<SpecDiagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));

    /// <summary>Binds a spec (header added) that must produce no diagnostic at all.</summary>
    public static SpecModel Bind(params string[] bodyLines)
    {
        var c = Compile(Lines(new[] { Header }.Concat(bodyLines).ToArray()));
        Assert.True(c.Diagnostics.Count == 0, "unexpected diagnostics:" + Environment.NewLine + Format(c.Diagnostics));
        return Assert.Single(c.Specs);
    }

    public static StructType Struct(this SpecModel spec, string name) =>
        Assert.IsType<StructType>(spec.FindType(name) ?? throw new Xunit.Sdk.XunitException($"no type '{name}' in {spec.Key}"));

    public static UnionType Union(this SpecModel spec, string name) =>
        Assert.IsType<UnionType>(spec.FindType(name) ?? throw new Xunit.Sdk.XunitException($"no type '{name}' in {spec.Key}"));

    public static FieldSymbol Field(this StructType type, string name) =>
        type.Fields.SingleOrDefault(f => f.Name == name) ?? throw new Xunit.Sdk.XunitException($"no field '{name}' in '{type.Name}'");

    public static int OffsetOf(this StructType type, string name) => type.Field(name).Offset;

    /// <summary>
    /// Compiles <paramref name="text"/> and asserts that it yields exactly one diagnostic, with
    /// <paramref name="id"/>, starting at zero-based <paramref name="line"/>:<paramref name="column"/> and
    /// covering exactly <paramref name="covered"/>.
    /// </summary>
    public static SpecDiagnostic Single(string text, string id, string covered, int line, int column) =>
        Single(new[] { ("test.ism", text) }, id, covered, line, column);

    /// <summary>As <see cref="Single(string,string,string,int,int)"/> for several files; the span's file is checked too.</summary>
    public static SpecDiagnostic Single((string Path, string Text)[] files, string id, string covered, int line, int column)
    {
        var c = SpecCompilation.FromText(files);
        Assert.True(c.Diagnostics.Count == 1, $"expected one {id}, got:" + Environment.NewLine + Format(c.Diagnostics));
        var d = c.Diagnostics[0];
        Assert.Equal(id, d.Id);
        Assert.Equal(SpecSeverity.Error, d.Severity);
        var text = files.Single(f => f.Path == d.Span.Path).Text;
        AssertSpan(text, d.Span, covered, line, column);
        return d;
    }

    public static void AssertSpan(string text, SourceSpan span, string covered, int line, int column)
    {
        Assert.Equal(covered, text.Substring(span.Start, span.Length));
        Assert.Equal((line, column), (span.StartLine, span.StartColumn));
        int lastNewline = covered.LastIndexOf('\n');
        int endLine = line + covered.Count(ch => ch == '\n');
        int endColumn = lastNewline < 0 ? column + covered.Length : covered.Length - lastNewline - 1;
        Assert.Equal((endLine, endColumn), (span.EndLine, span.EndColumn));
    }

    /// <summary>Asserts a span is a valid range of <paramref name="text"/> and that its line/column agree with its offsets.</summary>
    public static bool IsValidSpan(SourceSpan span, string text)
    {
        if (span.Start < 0 || span.Length < 0 || span.Start + span.Length > text.Length) return false;
        var file = new SourceFile(span.Path, text);
        var start = file.GetPosition(span.Start);
        var end = file.GetPosition(span.Start + span.Length);
        return (span.StartLine, span.StartColumn) == start && (span.EndLine, span.EndColumn) == end;
    }
}
