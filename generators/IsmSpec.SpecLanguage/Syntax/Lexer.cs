using System.Collections.Generic;
using System.Text;
using IsmSpec.SpecLanguage.Diagnostics;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Syntax
{
    /// <summary>Turns spec text into tokens. Never throws: bad input becomes ISM0001/ISM0005.</summary>
    public sealed class Lexer
    {
        private readonly SourceFile _file;
        private readonly string _s;
        private readonly DiagnosticBag _diagnostics;
        private int _pos;
        private readonly StringBuilder _doc = new StringBuilder();

        public Lexer(SourceFile file, DiagnosticBag diagnostics)
        {
            _file = file; _s = file.Text; _diagnostics = diagnostics;
        }

        public List<Token> Lex()
        {
            var tokens = new List<Token>();
            while (true)
            {
                var t = Next();
                if (t.Kind == TokenKind.Bad) continue;
                tokens.Add(t);
                if (t.Kind == TokenKind.EndOfFile) return tokens;
            }
        }

        private char Peek(int ahead = 0) => _pos + ahead < _s.Length ? _s[_pos + ahead] : '\0';

        private Token Next()
        {
            SkipTrivia();
            int start = _pos;
            if (_pos >= _s.Length) return Make(TokenKind.EndOfFile, start);
            char c = _s[_pos];
            if (IsNameStart(c)) return LexName(start);
            if (char.IsDigit(c)) return LexNumber(start);
            if (c == '"') return LexString(start);
            _pos++;
            switch (c)
            {
                case '{': return Make(TokenKind.OpenBrace, start);
                case '}': return Make(TokenKind.CloseBrace, start);
                case '(': return Make(TokenKind.OpenParen, start);
                case ')': return Make(TokenKind.CloseParen, start);
                case '[': return Make(TokenKind.OpenBracket, start);
                case ']': return Make(TokenKind.CloseBracket, start);
                case ';': return Make(TokenKind.Semicolon, start);
                case ':': return Make(TokenKind.Colon, start);
                case ',': return Make(TokenKind.Comma, start);
                case '=': return Make(TokenKind.Equals, start);
                case '@': return Make(TokenKind.At, start);
                case '|': return Make(TokenKind.Pipe, start);
                case '&': return Make(TokenKind.Ampersand, start);
                case '~': return Make(TokenKind.Tilde, start);
                case '*': return Make(TokenKind.Star, start);
                case '+': return Make(TokenKind.Plus, start);
                case '-': return Make(TokenKind.Minus, start);
                case '<':
                    if (Peek() == '<') { _pos++; return Make(TokenKind.ShiftLeft, start); }
                    return Make(TokenKind.Less, start);
                case '>':
                    if (Peek() == '>') { _pos++; return Make(TokenKind.ShiftRight, start); }
                    return Make(TokenKind.Greater, start);
                case '.':
                    if (Peek() == '.') { _pos++; return Make(TokenKind.DotDot, start); }
                    return Make(TokenKind.Dot, start);
            }
            _diagnostics.Report(DiagnosticIds.Syntax, _file.Span(start, 1), $"unexpected character '{Printable(c)}'");
            return Make(TokenKind.Bad, start);
        }

        private static string Printable(char c) => c < ' ' || c > '~' ? $"\\u{(int)c:X4}" : c.ToString();

        private Token Make(TokenKind kind, int start, ulong number = 0, string? text = null)
        {
            string? doc = null;
            if (_doc.Length > 0 && kind != TokenKind.Bad)
            {
                doc = _doc.ToString().TrimEnd();
                _doc.Clear();
            }
            return new Token(kind, text ?? _s.Substring(start, _pos - start), _file.Span(start, _pos - start), number, doc);
        }

        private void SkipTrivia()
        {
            while (_pos < _s.Length)
            {
                char c = _s[_pos];
                if (char.IsWhiteSpace(c)) { _pos++; continue; }
                if (c == '/' && Peek(1) == '/')
                {
                    bool isDoc = Peek(2) == '/' && Peek(3) != '/';
                    int lineStart = _pos + (isDoc ? 3 : 2);
                    while (_pos < _s.Length && _s[_pos] != '\n') _pos++;
                    if (isDoc)
                    {
                        if (_doc.Length > 0) _doc.Append('\n');
                        _doc.Append(_s.Substring(lineStart, _pos - lineStart).Trim().TrimEnd('\r'));
                    }
                    continue;
                }
                if (c == '/' && Peek(1) == '*')
                {
                    int start = _pos;
                    _pos += 2;
                    while (_pos < _s.Length && !(_s[_pos] == '*' && Peek(1) == '/')) _pos++;
                    if (_pos >= _s.Length)
                    {
                        _diagnostics.Report(DiagnosticIds.Syntax, _file.Span(start, 2), "unterminated comment");
                        return;
                    }
                    _pos += 2;
                    continue;
                }
                return;
            }
        }

        private static bool IsNameStart(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        private static bool IsNameChar(char c) => IsNameStart(c) || (c >= '0' && c <= '9');

        private Token LexName(int start)
        {
            while (_pos < _s.Length)
            {
                if (IsNameChar(_s[_pos])) { _pos++; continue; }
                // A hyphen joins two name characters: VISM-ALLOC-4, virtio-ism.
                if (_s[_pos] == '-' && _pos > start && IsNameChar(Peek(1))) { _pos++; continue; }
                break;
            }
            return Make(TokenKind.Name, start);
        }

        private Token LexNumber(int start)
        {
            int radix = 10;
            if (_s[_pos] == '0' && (Peek(1) == 'x' || Peek(1) == 'X')) { radix = 16; _pos += 2; }
            else if (_s[_pos] == '0' && (Peek(1) == 'b' || Peek(1) == 'B')) { radix = 2; _pos += 2; }
            int digitsStart = _pos;
            ulong value = 0;
            bool overflow = false, bad = false;
            while (_pos < _s.Length && (IsNameChar(_s[_pos])))
            {
                char c = _s[_pos];
                if (c == '_') { _pos++; continue; }
                int d = DigitValue(c);
                if (d < 0 || d >= radix) { bad = true; _pos++; continue; }
                ulong next = unchecked(value * (ulong)radix + (ulong)d);
                if (value > (ulong.MaxValue - (ulong)d) / (ulong)radix) overflow = true;
                value = next;
                _pos++;
            }
            var token = Make(TokenKind.Number, start, value);
            if (bad || _pos == digitsStart)
                _diagnostics.Report(DiagnosticIds.Syntax, token.Span, $"malformed number '{token.Text}'");
            else if (overflow)
                _diagnostics.Report(DiagnosticIds.ValueOutOfRange, token.Span, $"number '{token.Text}' does not fit in 64 bits");
            return token;
        }

        private static int DigitValue(char c)
        {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        }

        private Token LexString(int start)
        {
            _pos++; // opening quote
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= _s.Length || _s[_pos] == '\n')
                {
                    _diagnostics.Report(DiagnosticIds.Syntax, _file.Span(start, _pos - start), "unterminated string");
                    return Make(TokenKind.String, start, text: sb.ToString());
                }
                char c = _s[_pos++];
                if (c == '"') break;
                if (c == '\\' && _pos < _s.Length && (_s[_pos] == '"' || _s[_pos] == '\\')) { sb.Append(_s[_pos++]); continue; }
                if (c != '\r') sb.Append(c);
            }
            return Make(TokenKind.String, start, text: sb.ToString());
        }
    }
}
