using System.Text;
using System.Text.RegularExpressions;

namespace IsmSpec.SpecDiff.Tex;

/// <summary>A sentence of normative prose, whitespace collapsed, with the tex line it starts on.</summary>
public sealed record TexSentence(string Text, int Line, bool IsItem);

/// <summary>
/// Splits a normative block's body into sentences: at '.', '!' or '?' followed by a space and not
/// ending a common abbreviation, and at every <c>\item</c>, list boundary and paragraph break.
/// </summary>
public static partial class SentenceSplitter
{
    private static readonly HashSet<string> Abbreviations = ["e.g", "i.e", "etc", "cf", "vs", "resp", "fig", "sec", "no", "approx"];

    public static List<TexSentence> Split(string body, IReadOnlyList<int> lines)
    {
        var sentences = new List<TexSentence>();
        var current = new StringBuilder();
        int startLine = 0;
        bool isItem = false;

        void Flush()
        {
            var text = Whitespace().Replace(current.ToString(), " ").Trim();
            if (text.Length > 0) sentences.Add(new TexSentence(text, startLine, isItem));
            current.Clear();
            startLine = 0;
        }

        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            int line = i < lines.Count ? lines[i] : 0;
            if (c == TexNormativeBlock.ItemMark || c == TexNormativeBlock.BreakMark)
            {
                Flush();
                isItem = c == TexNormativeBlock.ItemMark;
                continue;
            }
            if (startLine == 0 && !char.IsWhiteSpace(c)) startLine = line;
            current.Append(c);
            if (c is '.' or '!' or '?' && (i + 1 >= body.Length || char.IsWhiteSpace(body[i + 1])) && !EndsWithAbbreviation(current))
            {
                Flush();
                isItem = false;
            }
        }
        Flush();
        return sentences;
    }

    private static bool EndsWithAbbreviation(StringBuilder sb)
    {
        int end = sb.Length - 1; // the '.'
        int start = end;
        while (start > 0 && (char.IsLetter(sb[start - 1]) || sb[start - 1] == '.')) start--;
        var word = sb.ToString(start, end - start).ToLowerInvariant();
        return word.Length > 0 && Abbreviations.Contains(word);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
