using System.Text;

namespace IsmSpec.SpecDiff.Tex;

/// <summary>
/// Walks the token stream: collects code listings and normative blocks. A block runs from its
/// <c>\devicenormative{\subsubsection}{Title}{label}</c> to the next sectioning command or normative
/// macro. Unknown macros are skipped with one warning per macro name; their arguments stay as text.
/// </summary>
public sealed class TexDocumentParser
{
    private static readonly HashSet<string> Sectioning = ["part", "chapter", "section", "subsection", "subsubsection", "paragraph", "subparagraph"];
    /// <summary>Formatting and reference macros whose argument is kept as plain text.</summary>
    private static readonly HashSet<string> Transparent =
    [
        "field", "emph", "textbf", "textit", "texttt", "textrm", "textsf", "underline", "footnote", "ref", "nameref", "url",
        "mbox", "code", "bf", "it", "tt", "small", "footnotesize", "centering", "noindent", "hline", "smallskip",
        "medskip", "bigskip", "clearpage", "newpage", "raggedright", "item",
    ];
    /// <summary>Macros dropped together with their arguments.</summary>
    private static readonly HashSet<string> Dropped =
    [
        "index", "cite", "vspace", "hspace", "input", "include", "usepackage", "documentclass", "setlength", "caption",
        "newcommand", "renewcommand", "providecommand", "pagebreak", "addcontentsline", "maketitle", "tableofcontents",
    ];
    private static readonly HashSet<string> KnownEnvironments =
    [
        "itemize", "enumerate", "description", "note", "center", "table", "tabular", "figure", "quote", "longtable",
        "document", "flushleft", "flushright", "minipage", "lstlisting", "verbatim", "tabularx", "quotation",
    ];
    private static readonly Dictionary<string, string> Literals = new()
    {
        ["\\"] = " ", ["newline"] = " ", ["linebreak"] = " ", [","] = " ", [" "] = " ", ["-"] = "", ["/"] = "",
        ["%"] = "%", ["_"] = "_", ["&"] = "&", ["#"] = "#", ["$"] = "$", ["{"] = "{", ["}"] = "}",
        ["ldots"] = "…", ["dots"] = "…", ["textbackslash"] = "\\", ["textasciitilde"] = "~", ["textunderscore"] = "_",
    };

    private readonly List<TexToken> _tokens;
    private readonly TexDocument _doc = new();
    private readonly Dictionary<string, (int Line, int Count)> _unknown = new(StringComparer.Ordinal);
    private TexNormativeBlock? _block;
    private string _label = "";
    private int _pos;

    private TexDocumentParser(List<TexToken> tokens) { _tokens = tokens; }

    public static TexDocument Parse(string text)
    {
        var warnings = new List<TexWarning>();
        var tokens = TexLexer.Lex(text, warnings);
        var parser = new TexDocumentParser(tokens);
        parser._doc.Warnings.AddRange(warnings);
        parser.Run();
        return parser._doc;
    }

    private void Run()
    {
        while (_pos < _tokens.Count)
        {
            var t = _tokens[_pos++];
            switch (t.Kind)
            {
                case TexTokenKind.Verbatim:
                    _doc.Listings.Add(new TexListing(t.Text, t.Line));
                    _block?.Mark(TexNormativeBlock.BreakMark, t.Line);
                    break;
                case TexTokenKind.ParagraphBreak: _block?.Mark(TexNormativeBlock.BreakMark, t.Line); break;
                case TexTokenKind.Text: _block?.Append(t.Text, t.Line); break;
                case TexTokenKind.OpenBracket: _block?.Append("[", t.Line); break;
                case TexTokenKind.CloseBracket: _block?.Append("]", t.Line); break;
                case TexTokenKind.Command: Command(t); break;
            }
        }
        foreach (var (name, (line, count)) in _unknown.OrderBy(u => u.Value.Line))
            _doc.Warnings.Add(new TexWarning(line, (name.StartsWith("begin{", StringComparison.Ordinal)
                ? $"unknown environment {name[6..^1]} skipped (its text is kept)"
                : $"unknown macro \\{name} skipped (its arguments are kept as text)") + (count > 1 ? $" ({count} times)" : "")));
        _doc.Warnings.Sort((a, b) => a.Line.CompareTo(b.Line));
    }

    private void Command(TexToken t)
    {
        var name = t.Text;
        if (name is "devicenormative" or "drivernormative") { Normative(t); return; }
        if (Sectioning.Contains(name))
        {
            _block = null;
            ReadOptional();
            ReadGroup();
            return;
        }
        if (name == "label") { _label = ReadGroup() ?? _label; return; }
        if (name == "item") { ReadOptional(); _block?.Mark(TexNormativeBlock.ItemMark, t.Line); return; }
        if (name == "par") { _block?.Mark(TexNormativeBlock.BreakMark, t.Line); return; }
        if (name is "begin" or "end") { Environment(t); return; }
        if (name == "hyperref") { ReadOptional(); return; }
        if (Literals.TryGetValue(name, out var literal)) { _block?.Append(literal, t.Line); return; }
        if (Transparent.Contains(name)) return;
        if (Dropped.Contains(name))
        {
            ReadOptional();
            while (ReadGroup() != null) { }
            return;
        }
        _unknown[name] = _unknown.TryGetValue(name, out var seen) ? (seen.Line, seen.Count + 1) : (t.Line, 1);
    }

    private void Normative(TexToken t)
    {
        var role = t.Text == "devicenormative" ? TexRole.Device : TexRole.Driver;
        var level = ReadGroup();
        var title = ReadGroup();
        var label = ReadGroup();
        if (level == null || title == null || label == null)
            _doc.Warnings.Add(new TexWarning(t.Line, $"\\{t.Text} needs {{sectioning}}{{title}}{{label}}; using what was there"));
        label = Clean(label) is { Length: > 0 } l ? l : Clean(title) is { Length: > 0 } ti ? ti : _label;
        _block = new TexNormativeBlock(role, Clean(title) ?? "", label, t.Line);
        _doc.Blocks.Add(_block);
    }

    private void Environment(TexToken t)
    {
        var env = ReadGroup();
        if (env == null) return;
        env = env.Trim().TrimEnd('*');
        if (!KnownEnvironments.Contains(env))
            _unknown["begin{" + env + "}"] = _unknown.TryGetValue("begin{" + env + "}", out var seen) ? (seen.Line, seen.Count + 1) : (t.Line, 1);
        if (t.Text == "begin" && env is "tabular" or "tabularx" or "minipage") { ReadOptional(); ReadGroup(); }
        if (env is "itemize" or "enumerate" or "description") _block?.Mark(TexNormativeBlock.BreakMark, t.Line);
    }

    private static string? Clean(string? s) => s == null ? null : string.Join(' ', s.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private void SkipBlankText()
    {
        while (_pos < _tokens.Count && _tokens[_pos].Kind == TexTokenKind.Text && string.IsNullOrWhiteSpace(_tokens[_pos].Text)) _pos++;
    }

    /// <summary>Reads a balanced <c>{...}</c> group as plain text; null (and nothing consumed) when none follows.</summary>
    private string? ReadGroup() => ReadBalanced(TexTokenKind.OpenBrace, TexTokenKind.CloseBrace);

    private string? ReadOptional() => ReadBalanced(TexTokenKind.OpenBracket, TexTokenKind.CloseBracket);

    private string? ReadBalanced(TexTokenKind open, TexTokenKind close)
    {
        int save = _pos;
        SkipBlankText();
        if (_pos >= _tokens.Count || _tokens[_pos].Kind != open) { _pos = save; return null; }
        _pos++;
        var sb = new StringBuilder();
        int depth = 1;
        while (_pos < _tokens.Count)
        {
            var t = _tokens[_pos++];
            if (t.Kind == open) depth++;
            else if (t.Kind == close && --depth == 0) break;
            else if (t.Kind == TexTokenKind.Text) sb.Append(t.Text);
            else if (t.Kind == TexTokenKind.Command && Literals.TryGetValue(t.Text, out var lit)) sb.Append(lit);
            else if (t.Kind == TexTokenKind.OpenBrace || t.Kind == TexTokenKind.CloseBrace || t.Kind == TexTokenKind.Verbatim) { }
            else if (t.Kind == TexTokenKind.OpenBracket) sb.Append('[');
            else if (t.Kind == TexTokenKind.CloseBracket) sb.Append(']');
        }
        return sb.ToString();
    }
}
