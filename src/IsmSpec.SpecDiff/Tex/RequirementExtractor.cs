using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Tex;

/// <summary>A requirement found in a normative block: one per sentence with MUST, MUST NOT, SHOULD, SHOULD NOT or MAY.</summary>
public sealed record TexRequirement(string Id, TexRole Role, RequirementLevel Level, string Section, string Sentence, int Line)
{
    /// <summary>A short hash of the sentence, so a changed sentence shows up in a diff of two .tex versions.</summary>
    public string SentenceTag => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sentence)))[..8];
}

/// <summary>
/// Turns normative blocks into requirements. IDs are <c>TEX-&lt;ROLE&gt;-&lt;LABEL&gt;-&lt;n&gt;</c>. A lead-in
/// sentence ending in ':' (<c>The device MUST:</c>) lends its level to the <c>\item</c>s that follow it.
/// </summary>
public static partial class RequirementExtractor
{
    public static List<TexRequirement> Extract(IEnumerable<TexNormativeBlock> blocks)
    {
        var result = new List<TexRequirement>();
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var block in blocks)
        {
            var prefix = $"TEX-{block.Role.ToString().ToUpperInvariant()}-{LabelToId(block.Label)}";
            RequirementLevel? leadLevel = null;
            string? leadText = null;
            foreach (var s in SentenceSplitter.Split(block.Body, block.BodyLines))
            {
                var level = FindLevel(s.Text);
                string sentence = s.Text;
                if (s.IsItem && leadLevel != null)
                {
                    if (level == null) { level = leadLevel; sentence = $"{leadText} {s.Text}"; }
                }
                else if (!s.IsItem)
                {
                    bool isLead = level != null && s.Text.EndsWith(':');
                    leadLevel = isLead ? level : null;
                    leadText = isLead ? s.Text : null;
                    if (isLead) continue;
                }
                if (level == null) continue;
                int n = counters[prefix] = counters.GetValueOrDefault(prefix) + 1;
                result.Add(new TexRequirement($"{prefix}-{n}", block.Role, level.Value, block.Label, sentence, s.Line));
            }
        }
        return result;
    }

    /// <summary>The first keyword of the sentence decides the level.</summary>
    public static RequirementLevel? FindLevel(string sentence)
    {
        var m = Keyword().Match(sentence);
        if (!m.Success) return null;
        return m.Value.Replace("  ", " ") switch
        {
            var k when k.StartsWith("MUST") => k.EndsWith("NOT") ? RequirementLevel.MustNot : RequirementLevel.Must,
            var k when k.StartsWith("SHOULD") => k.EndsWith("NOT") ? RequirementLevel.ShouldNot : RequirementLevel.Should,
            _ => RequirementLevel.May,
        };
    }

    /// <summary>
    /// <c>Device Types / ISM Device / Alloc</c> -> <c>ISM-ALLOC</c>: a leading "Device Types" segment and a
    /// trailing "Device" in the device's own segment are dropped; the rest is upper-cased, non-alphanumerics to '-'.
    /// </summary>
    public static string LabelToId(string label)
    {
        var segments = label.Split('/', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        if (segments.Count > 0 && segments[0].StartsWith("sec:", StringComparison.OrdinalIgnoreCase)) segments[0] = segments[0][4..].Trim();
        if (segments.Count > 1 && segments[0].Equals("Device Types", StringComparison.OrdinalIgnoreCase))
        {
            segments.RemoveAt(0);
            if (segments[0].EndsWith(" Device", StringComparison.OrdinalIgnoreCase) && segments[0].Length > 7) segments[0] = segments[0][..^7];
        }
        var id = NonIdChars().Replace(string.Join("-", segments).ToUpperInvariant(), "-").Trim('-');
        return id.Length == 0 ? "SECTION" : id;
    }

    [GeneratedRegex(@"\b(MUST\s+NOT|MUST|SHOULD\s+NOT|SHOULD|MAY)\b")]
    private static partial Regex Keyword();

    [GeneratedRegex("[^A-Z0-9]+")]
    private static partial Regex NonIdChars();
}
