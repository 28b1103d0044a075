using System.Text;

namespace IsmSpec.SpecDiff.Tex;

/// <summary>
/// A tolerant tokenizer for the LaTeX used in virtio spec device sections: comments are dropped,
/// lstlisting/verbatim bodies are kept raw, and nothing is ever rejected.
/// </summary>
public sealed class TexLexer
{
    private static readonly string[] VerbatimEnvironments = ["lstlisting", "verbatim"];

    private readonly string _s;
    private readonly List<TexWarning> _warnings;
    private readonly List<TexToken> _tokens = [];
    private readonly StringBuilder _text = new();
    private int _pos;
    private int _line = 1;
    private int _textLine = 1;

    private TexLexer(string text, List<TexWarning> warnings) { _s = text ?? ""; _warnings = warnings; }

    public static List<TexToken> Lex(string text, List<TexWarning> warnings) => new TexLexer(text, warnings).Run();

    private List<TexToken> Run()
    {
        while (_pos < _s.Length)
        {
            char c = _s[_pos];
            switch (c)
            {
                case '\\': LexCommand(); break;
                case '%': SkipComment(); break;
                case '{': Emit(TexTokenKind.OpenBrace, "{"); break;
                case '}': Emit(TexTokenKind.CloseBrace, "}"); break;
                case '[': Emit(TexTokenKind.OpenBracket, "["); break;
                case ']': Emit(TexTokenKind.CloseBracket, "]"); break;
                case '~': AppendText(' '); _pos++; break;
                case '$': _pos++; break; // inline math: keep its text, drop the delimiters
                case '\n': LexNewline(); break;
                default: AppendText(c); _pos++; break;
            }
        }
        FlushText();
        return _tokens;
    }

    private void LexNewline()
    {
        int blank = _pos + 1;
        while (blank < _s.Length && (_s[blank] == ' ' || _s[blank] == '\t' || _s[blank] == '\r')) blank++;
        if (blank < _s.Length && _s[blank] == '\n')
        {
            FlushText();
            _tokens.Add(new TexToken(TexTokenKind.ParagraphBreak, "", _line));
        }
        else AppendText(' ');
        _line++;
        _pos++;
    }

    private void SkipComment()
    {
        while (_pos < _s.Length && _s[_pos] != '\n') _pos++;
        // A comment swallows its line break (TeX semantics), so the next line joins this one.
        if (_pos < _s.Length) { _pos++; _line++; }
    }

    private void LexCommand()
    {
        _pos++;
        if (_pos >= _s.Length) return;
        string name;
        if (char.IsAsciiLetter(_s[_pos]))
        {
            int nameStart = _pos;
            while (_pos < _s.Length && char.IsAsciiLetter(_s[_pos])) _pos++;
            name = _s[nameStart.._pos];
            if (_pos < _s.Length && _s[_pos] == '*') _pos++; // starred form: \section*
        }
        else
        {
            name = _s[_pos].ToString();
            if (_s[_pos] == '\n') _line++;
            _pos++;
        }
        if (name == "begin" && TryVerbatim()) return;
        Emit(TexTokenKind.Command, name, advance: false);
    }

    /// <summary>Reads <c>\begin{lstlisting}[options] ... \end{lstlisting}</c> as one raw token.</summary>
    private bool TryVerbatim()
    {
        int p = _pos;
        while (p < _s.Length && (_s[p] == ' ' || _s[p] == '\t')) p++;
        var env = VerbatimEnvironments.FirstOrDefault(e => string.CompareOrdinal(_s, p, "{" + e + "}", 0, e.Length + 2) == 0);
        if (env == null) return false;
        FlushText();
        p += env.Length + 2;
        if (p < _s.Length && _s[p] == '[')
        {
            int close = _s.IndexOf(']', p);
            if (close >= 0 && !_s.AsSpan(p, close - p).Contains('\n')) p = close + 1;
        }
        int startLine = _line + CountLines(_pos, p);
        var endMarker = "\\end{" + env + "}";
        int end = _s.IndexOf(endMarker, p, StringComparison.Ordinal);
        if (end < 0)
        {
            _warnings.Add(new TexWarning(startLine, $"\\begin{{{env}}} has no \\end{{{env}}}; read to the end of the file"));
            end = _s.Length;
        }
        _tokens.Add(new TexToken(TexTokenKind.Verbatim, _s[p..end], startLine));
        _line = startLine + CountLines(p, end);
        _pos = Math.Min(_s.Length, end + endMarker.Length);
        _textLine = _line;
        return true;
    }

    private int CountLines(int from, int to)
    {
        int n = 0;
        for (int i = from; i < to && i < _s.Length; i++) if (_s[i] == '\n') n++;
        return n;
    }

    private void AppendText(char c)
    {
        if (_text.Length == 0) _textLine = _line;
        _text.Append(c);
    }

    private void FlushText()
    {
        if (_text.Length == 0) return;
        _tokens.Add(new TexToken(TexTokenKind.Text, _text.ToString(), _textLine));
        _text.Clear();
    }

    private void Emit(TexTokenKind kind, string text, bool advance = true)
    {
        FlushText();
        _tokens.Add(new TexToken(kind, text, _line));
        if (advance) _pos++;
    }
}
