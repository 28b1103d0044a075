using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecLanguage.Model;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecDiff.Engine;

/// <summary>Maps a span of a bound spec to a location in the input the user gave (a .ism or a .tex file).</summary>
public delegate Location? Locator(SourceSpan span);

/// <summary>One matched spec pair being compared, and the sink its findings go to.</summary>
internal sealed class DiffContext
{
    private readonly List<Finding> _sink;
    private readonly Locator _oldLocator;
    private readonly Locator _newLocator;

    public DiffContext(SpecModel oldSpec, SpecModel newSpec, Locator oldLocator, Locator newLocator, List<Finding> sink)
    {
        Old = oldSpec; New = newSpec; _oldLocator = oldLocator; _newLocator = newLocator; _sink = sink;
        SpecName = oldSpec.Name == newSpec.Name ? oldSpec.Name : $"{oldSpec.Name}->{newSpec.Name}";
        OldFieldNames = FieldNames(oldSpec);
        NewFieldNames = FieldNames(newSpec);
    }

    public SpecModel Old { get; }
    public SpecModel New { get; }
    /// <summary>The first segment of every path: the spec name (both names when they differ).</summary>
    public string SpecName { get; }
    /// <summary>Names of non-reserved fields per spec, to tell a rename from a re-keying (offset -> token).</summary>
    public IReadOnlyDictionary<string, List<string>> OldFieldNames { get; }
    public IReadOnlyDictionary<string, List<string>> NewFieldNames { get; }

    /// <summary>A context that writes into another list (to look at a comparison before deciding to report it).</summary>
    public DiffContext WithSink(List<Finding> sink) => new(Old, New, _oldLocator, _newLocator, sink);

    public string PathOf(string kind, string name) => $"{SpecName}/{kind}:{name}";

    public void Report(DiffRule rule, string path, string message, string? oldValue, string? newValue, Symbol? oldSymbol, Symbol? newSymbol) =>
        Report(rule, path, message, oldValue, newValue, oldSymbol?.Span, newSymbol?.Span);

    public void Report(DiffRule rule, string path, string message, string? oldValue, string? newValue, SourceSpan? oldSpan, SourceSpan? newSpan)
    {
        _sink.Add(new Finding(rule, path, message, oldValue, newValue, Locate(_oldLocator, oldSpan), Locate(_newLocator, newSpan)));
    }

    /// <summary>Adds a finding made against another sink of the same spec pair.</summary>
    public void Add(Finding finding) => _sink.Add(finding);

    private static Location? Locate(Locator locator, SourceSpan? span) =>
        span is { IsEmpty: false } s ? locator(s) : null;

    private static Dictionary<string, List<string>> FieldNames(SpecModel spec)
    {
        var names = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var s in spec.Structs)
        {
            foreach (var f in s.Fields.Where(f => !f.IsReserved))
            {
                if (!names.TryGetValue(f.Name, out var owners)) names[f.Name] = owners = [];
                owners.Add(s.Name);
            }
        }
        return names;
    }

    /// <summary>Where else a field name is used, other than in <paramref name="exceptStruct"/> (null when nowhere).</summary>
    public static string? OtherUse(IReadOnlyDictionary<string, List<string>> names, string field, string exceptStruct) =>
        names.TryGetValue(field, out var owners) ? owners.Where(o => o != exceptStruct).Select(o => $"{o}.{field}").FirstOrDefault() : null;
}
