using System.Text;

namespace IsmSpec.SpecDiff.Tex;

/// <summary>
/// Splits a C listing into preprocessor lines (<c>#define</c> ...) and tokens. Comments become spaces,
/// line numbers are kept (tex line of the listing's first line + offset).
/// </summary>
public static class CTokenizer
{
    public static (List<(string Text, int Line)> Directives, List<CToken> Tokens) Tokenize(string code, int firstLine)
    {
        var clean = StripComments(code ?? "");
        var directives = new List<(string, int)>();
        var body = new StringBuilder();
        var lines = clean.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith('#'))
            {
                int start = i;
                var directive = new StringBuilder(line.TrimEnd());
                while (directive.Length > 0 && directive[^1] == '\\' && i + 1 < lines.Length)
                {
                    directive.Length--;
                    directive.Append(' ').Append(lines[++i].TrimEnd());
                    body.Append('\n');
                }
                directives.Add((directive.ToString().Trim(), firstLine + start));
                body.Append('\n');
                continue;
            }
            body.Append(line).Append('\n');
        }
        return (directives, Lex(body.ToString(), firstLine));
    }

    public static List<CToken> Lex(string text, int firstLine)
    {
        var tokens = new List<CToken>();
        int line = firstLine, i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\n') { line++; i++; continue; }
            if (char.IsWhiteSpace(c)) { i++; continue; }
            int start = i;
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new CToken(CTokenKind.Identifier, text[start..i], line));
            }
            else if (char.IsAsciiDigit(c))
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new CToken(CTokenKind.Number, text[start..i], line));
            }
            else if ((c == '<' || c == '>') && i + 1 < text.Length && text[i + 1] == c)
            {
                tokens.Add(new CToken(CTokenKind.Punctuation, text.Substring(i, 2), line));
                i += 2;
            }
            else
            {
                tokens.Add(new CToken(CTokenKind.Punctuation, c.ToString(), line));
                i++;
            }
        }
        return tokens;
    }

    /// <summary>Replaces <c>/* */</c> and <c>//</c> comments with spaces, keeping line breaks.</summary>
    private static string StripComments(string code)
    {
        var sb = new StringBuilder(code.Length);
        int i = 0;
        while (i < code.Length)
        {
            if (code[i] == '/' && i + 1 < code.Length && code[i + 1] == '*')
            {
                int end = code.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? code.Length : end + 2;
                foreach (char ch in code.AsSpan(i, end - i)) sb.Append(ch == '\n' ? '\n' : ' ');
                i = end;
            }
            else if (code[i] == '/' && i + 1 < code.Length && code[i + 1] == '/')
            {
                while (i < code.Length && code[i] != '\n') i++;
            }
            else sb.Append(code[i++]);
        }
        return sb.ToString();
    }
}
