using System.Text;

namespace IsmSpec.SpecDiff.Tex;

/// <summary>A code listing (lstlisting or verbatim body) and the line its first code line is on.</summary>
public sealed record TexListing(string Code, int Line);

public enum TexRole { Device, Driver }

/// <summary>
/// A <c>\devicenormative</c> or <c>\drivernormative</c> block. The body is flattened text with a line
/// number per character; <see cref="ItemMark"/> and <see cref="BreakMark"/> stand for <c>\item</c> and
/// paragraph or list boundaries, so the sentence splitter can see them.
/// </summary>
public sealed class TexNormativeBlock(TexRole role, string title, string label, int line)
{
    public const char ItemMark = '\u0001';
    public const char BreakMark = '\u0002';

    private readonly StringBuilder _body = new();
    private readonly List<int> _lines = [];

    public TexRole Role { get; } = role;
    public string Title { get; } = title;
    public string Label { get; } = label;
    public int Line { get; } = line;
    public string Body => _body.ToString();
    /// <summary>The tex line of each character of <see cref="Body"/>.</summary>
    public IReadOnlyList<int> BodyLines => _lines;

    internal void Append(string text, int line)
    {
        foreach (char c in text)
        {
            _body.Append(c);
            _lines.Add(line);
            if (c == '\n') line++;
        }
    }

    internal void Mark(char mark, int line) => Append(mark.ToString(), line);
}

/// <summary>What the importer found in one .tex file.</summary>
public sealed class TexDocument
{
    public List<TexListing> Listings { get; } = [];
    public List<TexNormativeBlock> Blocks { get; } = [];
    public List<TexWarning> Warnings { get; } = [];
}
