namespace IsmSpec.SpecDiff.Tex;

/// <summary>
/// Reads the C of lstlisting blocks: <c>#define NAME value</c>, <c>enum { A = 1, B }</c> members and
/// <c>struct name { le64 a; u8 b[16]; le64 c[]; };</c>. Everything else is skipped with a warning.
/// Field types are resolved by <see cref="CStructResolver"/> once every listing has been read.
/// </summary>
public sealed class CDeclParser
{
    private readonly CDeclarations _decls;
    private readonly List<TexWarning> _warnings;
    private List<CToken> _tokens = [];
    private int _pos;

    public CDeclParser(CDeclarations decls, List<TexWarning> warnings) { _decls = decls; _warnings = warnings; }

    public void Parse(TexListing listing)
    {
        var (directives, tokens) = CTokenizer.Tokenize(listing.Code, listing.Line);
        foreach (var (text, line) in directives) Directive(text, line);
        _tokens = tokens;
        _pos = 0;
        while (_pos < _tokens.Count) TopLevel();
    }

    private void Directive(string text, int line)
    {
        var tokens = CTokenizer.Lex(text.TrimStart('#', ' ', '\t'), line);
        if (tokens.Count == 0 || tokens[0].Text != "define")
        {
            _warnings.Add(new TexWarning(line, $"preprocessor line skipped: {text}"));
            return;
        }
        if (tokens.Count < 3 || tokens[1].Kind != CTokenKind.Identifier || (tokens[2].Text == "(" && text.Contains(tokens[1].Text + "(")))
        {
            _warnings.Add(new TexWarning(line, $"#define without a plain constant value skipped: {text}"));
            return;
        }
        AddDefine(tokens[1].Text, tokens.Skip(2).ToList(), text, line);
    }

    private void AddDefine(string name, List<CToken> valueTokens, string source, int line)
    {
        var value = CExpression.Evaluate(valueTokens, Lookup);
        if (value == null)
        {
            _warnings.Add(new TexWarning(line, $"{name}: value is not a non-negative constant expression; skipped"));
            return;
        }
        if (_decls.IsNameTaken(name))
        {
            _warnings.Add(new TexWarning(line, $"{name} is declared twice (or is a type name); the later one is skipped"));
            return;
        }
        var kind = name.StartsWith("VIRTIO_ID_", StringComparison.Ordinal) ? CDefineKind.DeviceId
                 : name.Contains("_F_", StringComparison.Ordinal) && value < 64 ? CDefineKind.Feature
                 : CDefineKind.Const;
        _decls.Defines.Add(new CDefine(name, value.Value, source.Trim(), line, kind));
    }

    private ulong? Lookup(string name) => _decls.Defines.FirstOrDefault(d => d.Name == name)?.Value;

    private CToken Current => _tokens[_pos];
    private bool At(string text) => _pos < _tokens.Count && _tokens[_pos].Text == text;

    private void TopLevel()
    {
        int start = _pos;
        if (At("typedef")) _pos++;
        if (At("struct") || At("enum") || At("union"))
        {
            var keyword = _tokens[_pos++].Text;
            string? tag = _pos < _tokens.Count && Current.Kind == CTokenKind.Identifier ? _tokens[_pos++].Text : null;
            if (At("{"))
            {
                int line = _tokens[start].Line;
                var body = ReadBalanced("{", "}");
                SkipAttributes();
                string? typedefName = _pos < _tokens.Count && Current.Kind == CTokenKind.Identifier ? _tokens[_pos++].Text : null;
                SkipPast(";");
                var name = typedefName ?? tag;
                if (keyword == "struct" && name != null) Struct(name, body, line);
                else if (keyword == "enum") Enum(body);
                else _warnings.Add(new TexWarning(line, $"{keyword} {name ?? "(anonymous)"} skipped: only named structs, enums and #defines are imported"));
                return;
            }
        }
        var skipped = SkipPast(";");
        if (skipped.Count > 0)
            _warnings.Add(new TexWarning(skipped[0].Line, $"declaration skipped: {string.Join(" ", skipped.Take(8).Select(t => t.Text))}"));
    }

    private void Struct(string name, List<CToken> body, int line)
    {
        if (_decls.IsTypeNameTaken(name))
        {
            _warnings.Add(new TexWarning(line, $"struct {name} is declared twice (or clashes with a constant or wire type); the later one is skipped"));
            return;
        }
        var s = new CStruct(name, line);
        foreach (var decl in SplitStatements(body)) CFieldReader.Read(s, decl, _warnings, Lookup);
        _decls.Structs.Add(s);
    }

    private void Enum(List<CToken> body)
    {
        ulong next = 0;
        foreach (var member in SplitAt(body, ","))
        {
            if (member.Count == 0 || member[0].Kind != CTokenKind.Identifier) continue;
            int line = member[0].Line;
            var valueTokens = member.Count > 2 && member[1].Text == "=" ? member.Skip(2).ToList() : [new CToken(CTokenKind.Number, next.ToString(), line)];
            var value = CExpression.Evaluate(valueTokens, Lookup);
            AddDefine(member[0].Text, valueTokens, $"enum member {string.Join(" ", member.Select(t => t.Text))}", line);
            if (value != null) next = value.Value + 1;
        }
    }

    private static List<List<CToken>> SplitStatements(List<CToken> body) => SplitAt(body, ";");

    /// <summary>Splits at a separator outside of ( ) [ ] { }.</summary>
    private static List<List<CToken>> SplitAt(List<CToken> tokens, string separator)
    {
        var parts = new List<List<CToken>> { new() };
        int depth = 0;
        foreach (var t in tokens)
        {
            if (t.Text is "(" or "[" or "{") depth++;
            if (t.Text is ")" or "]" or "}") depth = Math.Max(0, depth - 1);
            if (depth == 0 && t.Text == separator) { parts.Add([]); continue; }
            parts[^1].Add(t);
        }
        return parts.Where(p => p.Count > 0).ToList();
    }

    /// <summary>Reads <paramref name="open"/> ... matching <paramref name="close"/>; returns the tokens inside.</summary>
    private List<CToken> ReadBalanced(string open, string close)
    {
        var inside = new List<CToken>();
        int depth = 0;
        while (_pos < _tokens.Count)
        {
            var t = _tokens[_pos++];
            if (t.Text == open && depth++ == 0) continue;
            if (t.Text == close && --depth == 0) break;
            inside.Add(t);
        }
        return inside;
    }

    private void SkipAttributes()
    {
        while (At("__attribute__") || At("__packed") || At("__aligned"))
        {
            _pos++;
            if (At("(")) ReadBalanced("(", ")");
        }
    }

    private List<CToken> SkipPast(string text)
    {
        var skipped = new List<CToken>();
        while (_pos < _tokens.Count)
        {
            var t = _tokens[_pos++];
            if (t.Text == text) break;
            skipped.Add(t);
        }
        return skipped;
    }
}
