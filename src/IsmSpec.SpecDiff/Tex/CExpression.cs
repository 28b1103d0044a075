using System.Globalization;

namespace IsmSpec.SpecDiff.Tex;

/// <summary>
/// Evaluates the constant expressions of <c>#define</c>s and enum members: numbers (suffixes u/l dropped),
/// earlier constants, ( ), ~, *, +, -, &lt;&lt;, &gt;&gt;, &amp;, |. Anything else (casts, negative values) yields null.
/// </summary>
public sealed class CExpression
{
    private readonly IReadOnlyList<CToken> _tokens;
    private readonly Func<string, ulong?> _lookup;
    private int _pos;

    private CExpression(IReadOnlyList<CToken> tokens, Func<string, ulong?> lookup) { _tokens = tokens; _lookup = lookup; }

    public static ulong? Evaluate(IReadOnlyList<CToken> tokens, Func<string, ulong?> lookup)
    {
        if (tokens.Count == 0) return null;
        var e = new CExpression(tokens, lookup);
        var v = e.Binary(0);
        return e._pos == tokens.Count ? v : null;
    }

    private static readonly string[][] Levels = [["|"], ["&"], ["<<", ">>"], ["+", "-"], ["*"]];

    private ulong? Binary(int level)
    {
        if (level == Levels.Length) return Unary();
        var left = Binary(level + 1);
        while (left != null && _pos < _tokens.Count && _tokens[_pos].Kind == CTokenKind.Punctuation && Levels[level].Contains(_tokens[_pos].Text))
        {
            var op = _tokens[_pos++].Text;
            var right = Binary(level + 1);
            if (right == null) return null;
            ulong a = left.Value, b = right.Value;
            left = op switch
            {
                "|" => a | b,
                "&" => a & b,
                "<<" => b >= 64 ? null : a << (int)b,
                ">>" => b >= 64 ? 0 : a >> (int)b,
                "+" => unchecked(a + b),
                "-" => a >= b ? a - b : null,
                _ => unchecked(a * b),
            };
        }
        return left;
    }

    private ulong? Unary()
    {
        if (_pos >= _tokens.Count) return null;
        var t = _tokens[_pos++];
        if (t.Kind == CTokenKind.Punctuation && t.Text == "~") return Unary() is { } v ? ~v : null;
        if (t.Kind == CTokenKind.Punctuation && t.Text == "(")
        {
            var inner = Binary(0);
            if (_pos >= _tokens.Count || _tokens[_pos].Text != ")") return null;
            _pos++;
            return inner;
        }
        if (t.Kind == CTokenKind.Number) return ParseNumber(t.Text);
        if (t.Kind == CTokenKind.Identifier) return _lookup(t.Text);
        return null;
    }

    public static ulong? ParseNumber(string text)
    {
        var s = text.Replace("_", "").TrimEnd('u', 'U', 'l', 'L');
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h) ? h : null;
        if (s.StartsWith("0b", StringComparison.OrdinalIgnoreCase))
        {
            return Digits(s[2..], 2);
        }
        if (s.Length > 1 && s[0] == '0') return Digits(s[1..], 8);
        return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    private static ulong? Digits(string s, int radix)
    {
        if (s.Length == 0) return null;
        ulong v = 0;
        foreach (char c in s)
        {
            int digit = c - '0';
            if (digit < 0 || digit >= radix || v > (ulong.MaxValue - (ulong)digit) / (ulong)radix) return null;
            v = v * (ulong)radix + (ulong)digit;
        }
        return v;
    }
}
