using System.Text;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Tex;

/// <summary>
/// Writes the .ism skeleton and remembers, for each line it writes, the tex line it came from
/// (so diff findings on an imported file point into the .tex).
/// </summary>
internal sealed class IsmSkeletonWriter
{
    public const string SummaryPlaceholder = "TODO: summarise in our own words";

    private readonly StringBuilder _text = new();
    private readonly List<int> _texLines = [];

    public string Text => _text.ToString();
    /// <summary>Index = 0-based .ism line; value = 1-based tex line (0 when the line has no source).</summary>
    public IReadOnlyList<int> TexLines => _texLines;

    public void Write(string specName, string sourceName, CDeclarations decls, IReadOnlyList<TexRequirement> requirements)
    {
        Line($"spec {specName} version 1;", 1);
        Line("", 0);
        Line($"// Imported by `ismspec import-tex` from {OneLine(sourceName)}. This is a skeleton: check every struct", 0);
        Line("// against the text and rewrite every requirement summary in your own words.", 0);
        foreach (var d in decls.Defines)
        {
            Line("", 0);
            Line($"// tex line {d.Line}: {OneLine(d.Source)}", d.Line);
            var keyword = d.Kind switch { CDefineKind.Feature => "feature", CDefineKind.DeviceId => "device_id", _ => "const" };
            Line($"{keyword} {d.Name} = {d.Value};", d.Line);
        }
        foreach (var s in decls.Structs)
        {
            Line("", 0);
            Line($"// tex line {s.Line}", s.Line);
            Line($"struct {s.Name} {{", s.Line);
            foreach (var f in s.Fields)
            {
                var count = f.Count != null ? $"[{f.Count}]" : "";
                Line($"  {(f.IsReserved ? "reserved " : "")}{f.Type} {f.Name}{count};", f.Line);
            }
            Line("}", s.Line);
        }
        foreach (var r in requirements)
        {
            Line("", 0);
            Line($"// {r.Role.ToString().ToLowerInvariant()} normative, tex line {r.Line}: {OneLine(r.Sentence)}", r.Line);
            var level = RequirementSymbol.LevelText(r.Level);
            var role = r.Role.ToString().ToLowerInvariant();
            Line($"requirement {r.Id} {role} {level} \"{SummaryPlaceholder} (tex sentence {r.SentenceTag})\" section \"{Escape(r.Section)}\";", r.Line);
        }
    }

    private void Line(string text, int texLine)
    {
        _text.Append(text).Append('\n');
        _texLines.Add(texLine);
    }

    /// <summary>One line of printable text: control characters become spaces, runs of spaces collapse.</summary>
    private static string OneLine(string s) =>
        string.Join(' ', new string(s.Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c).ToArray())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static string Escape(string s) => OneLine(s).Replace("\\", "\\\\").Replace("\"", "\\\"");
}
