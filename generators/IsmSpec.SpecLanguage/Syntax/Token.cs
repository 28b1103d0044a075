using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Syntax
{
    public enum TokenKind
    {
        EndOfFile,
        Name,
        Number,
        String,
        OpenBrace, CloseBrace, OpenParen, CloseParen, OpenBracket, CloseBracket,
        Semicolon, Colon, Comma, Equals, At, Less, Greater, DotDot, Dot,
        ShiftLeft, ShiftRight, Pipe, Ampersand, Tilde, Star, Plus, Minus,
        Bad,
    }

    /// <summary>A lexed token. <see cref="Doc"/> carries the <c>///</c> lines that preceded it.</summary>
    public sealed class Token
    {
        public Token(TokenKind kind, string text, SourceSpan span, ulong number = 0, string? doc = null)
        {
            Kind = kind; Text = text; Span = span; Number = number; Doc = doc;
        }

        public TokenKind Kind { get; }
        public string Text { get; }
        public SourceSpan Span { get; }
        public ulong Number { get; }
        public string? Doc { get; }

        public bool IsName(string text) => Kind == TokenKind.Name && Text == text;
        public override string ToString() => Kind == TokenKind.EndOfFile ? "end of file" : $"'{Text}'";
    }
}
