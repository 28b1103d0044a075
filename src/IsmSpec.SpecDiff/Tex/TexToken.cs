namespace IsmSpec.SpecDiff.Tex;

public enum TexTokenKind { Command, OpenBrace, CloseBrace, OpenBracket, CloseBracket, Text, Verbatim, ParagraphBreak }

/// <summary>
/// One token of the LaTeX subset: a control sequence (<see cref="Text"/> is its name without the
/// backslash), a brace or bracket, a run of text, a paragraph break, or the raw body of a verbatim
/// environment (lstlisting, verbatim). <see cref="Line"/> is 1-based.
/// </summary>
public readonly record struct TexToken(TexTokenKind Kind, string Text, int Line);

/// <summary>Something the importer skipped or guessed; never fatal.</summary>
public sealed record TexWarning(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}
