using IsmSpec.SpecLanguage.Diagnostics;
using IsmSpec.SpecLanguage.Syntax;
using IsmSpec.SpecLanguage.Text;
using static IsmSpec.SpecLanguage.Tests.SpecTest;

namespace IsmSpec.SpecLanguage.Tests;

public class LexerTests
{
    private static (List<Token> Tokens, IReadOnlyList<SpecDiagnostic> Diagnostics) Lex(string text)
    {
        var bag = new DiagnosticBag();
        var tokens = new Lexer(new SourceFile("t.ism", text), bag).Lex();
        return (tokens, bag.Items);
    }

    private static List<Token> LexClean(string text)
    {
        var (tokens, diagnostics) = Lex(text);
        Assert.Empty(diagnostics);
        return tokens;
    }

    [Fact]
    public void Every_punctuator_lexes_to_its_own_kind()
    {
        var tokens = LexClean("{ } ( ) [ ] ; : , = @ < > .. . << >> | & ~ * + -");
        Assert.Equal(new[]
        {
            TokenKind.OpenBrace, TokenKind.CloseBrace, TokenKind.OpenParen, TokenKind.CloseParen,
            TokenKind.OpenBracket, TokenKind.CloseBracket, TokenKind.Semicolon, TokenKind.Colon, TokenKind.Comma,
            TokenKind.Equals, TokenKind.At, TokenKind.Less, TokenKind.Greater, TokenKind.DotDot, TokenKind.Dot,
            TokenKind.ShiftLeft, TokenKind.ShiftRight, TokenKind.Pipe, TokenKind.Ampersand, TokenKind.Tilde,
            TokenKind.Star, TokenKind.Plus, TokenKind.Minus, TokenKind.EndOfFile,
        }, tokens.Select(t => t.Kind));
    }

    [Fact]
    public void Bit_range_lexes_as_number_dotdot_number()
    {
        var tokens = LexClean("0..22");
        Assert.Equal(new[] { TokenKind.Number, TokenKind.DotDot, TokenKind.Number, TokenKind.EndOfFile }, tokens.Select(t => t.Kind));
        Assert.Equal(22UL, tokens[2].Number);
    }

    [Theory]
    [InlineData("virtio-ism")]
    [InlineData("VISM-ALLOC-4")]
    [InlineData("a-1")]
    [InlineData("_x9")]
    [InlineData("snake_case_name")]
    public void Names_include_hyphens_between_name_characters(string name)
    {
        var token = LexClean(name)[0];
        Assert.Equal(TokenKind.Name, token.Kind);
        Assert.Equal(name, token.Text);
    }

    [Fact]
    public void Hyphen_with_spaces_or_at_a_name_end_is_a_minus()
    {
        Assert.Equal(new[] { "a", "-", "1" }, LexClean("a - 1").Where(t => t.Kind != TokenKind.EndOfFile).Select(t => t.Text));
        Assert.Equal(new[] { "a", "-", "-", "b" }, LexClean("a--b").Where(t => t.Kind != TokenKind.EndOfFile).Select(t => t.Text));
        Assert.Equal(new[] { "a", "-" }, LexClean("a-").Where(t => t.Kind != TokenKind.EndOfFile).Select(t => t.Text));
    }

    [Fact]
    public void String_escapes_are_decoded_and_the_span_keeps_the_quotes()
    {
        const string text = "\"say \\\"hi\\\" \\\\ done\"";
        var token = LexClean(text)[0];
        Assert.Equal(TokenKind.String, token.Kind);
        Assert.Equal("say \"hi\" \\ done", token.Text);
        Assert.Equal(text.Length, token.Span.Length);
    }

    [Fact]
    public void Comments_are_skipped_and_block_comments_may_span_lines()
    {
        var tokens = LexClean("a // line comment\n/* block\n comment */ b");
        Assert.Equal(new[] { "a", "b" }, tokens.Where(t => t.Kind == TokenKind.Name).Select(t => t.Text));
        Assert.Equal((2, 12), (tokens[1].Span.StartLine, tokens[1].Span.StartColumn));
    }

    [Fact]
    public void Triple_slash_lines_become_the_doc_of_the_next_token_and_four_slashes_do_not()
    {
        var tokens = LexClean("/// first line\n///   second line  \n//// not a doc\nstruct");
        Assert.Equal("first line\nsecond line", tokens[0].Doc);
        Assert.Null(LexClean("//// banner\nstruct")[0].Doc);
    }

    [Fact]
    public void Doc_comments_reach_the_model_for_declarations_and_members()
    {
        var spec = Bind(
            "/// A struct.",
            "struct s {",
            "  /// The field.",
            "  le32 a;",
            "  le32 b \"inline doc wins\";",
            "}",
            "/// An enum.",
            "enum e : u8 { /// first",
            "  A = 1; }");
        var s = spec.Struct("s");
        Assert.Equal("A struct.", s.Doc);
        Assert.Equal("The field.", s.Field("a").Doc);
        Assert.Equal("inline doc wins", s.Field("b").Doc);
        var e = spec.Enums.Single();
        Assert.Equal("An enum.", e.Doc);
        Assert.Equal("first", e.Members.Single().Doc);
    }

    [Fact]
    public void Spans_give_zero_based_lines_and_columns_also_after_crlf()
    {
        var tokens = LexClean("a\r\n  bb\r\n\tccc");
        var b = tokens[1];
        var c = tokens[2];
        Assert.Equal((1, 2, 1, 4), (b.Span.StartLine, b.Span.StartColumn, b.Span.EndLine, b.Span.EndColumn));
        Assert.Equal((2, 1), (c.Span.StartLine, c.Span.StartColumn));
        Assert.Equal("t.ism:3:2", c.Span.ToString());
    }

    [Fact]
    public void End_of_file_token_has_an_empty_span_at_the_end()
    {
        const string text = "a\nb";
        var eof = LexClean(text).Last();
        Assert.Equal(TokenKind.EndOfFile, eof.Kind);
        Assert.Equal((text.Length, 0), (eof.Span.Start, eof.Span.Length));
        Assert.Equal((1, 1), (eof.Span.StartLine, eof.Span.StartColumn));
    }

    [Fact]
    public void Bad_characters_are_dropped_with_one_diagnostic_each()
    {
        var (tokens, diagnostics) = Lex("a # b $ c");
        Assert.Equal(new[] { "a", "b", "c" }, tokens.Where(t => t.Kind == TokenKind.Name).Select(t => t.Text));
        Assert.Equal(new[] { 2, 6 }, diagnostics.Select(d => d.Span.Start));
        Assert.All(diagnostics, d => Assert.Equal("ISM0001", d.Id));
    }

    [Fact]
    public void Non_ascii_and_control_characters_are_reported_by_code_point()
    {
        var (_, diagnostics) = Lex("é\u0001");
        Assert.Equal(new[] { "\\u00E9", "\\u0001" }, diagnostics.Select(d => d.Message.Split('\'')[1]));
    }

    [Fact]
    public void Number_overflow_is_ISM0005_and_malformed_number_is_ISM0001()
    {
        Assert.Equal("ISM0005", Assert.Single(Lex("0x1_0000_0000_0000_0000").Diagnostics).Id);
        Assert.Equal("ISM0001", Assert.Single(Lex("0b2").Diagnostics).Id);
        Assert.Equal("ISM0001", Assert.Single(Lex("9z").Diagnostics).Id);
    }

    [Fact]
    public void Unterminated_string_stops_at_the_end_of_the_line()
    {
        var (tokens, diagnostics) = Lex("\"abc\ndef");
        Assert.Equal("ISM0001", Assert.Single(diagnostics).Id);
        Assert.Equal("abc", tokens[0].Text);
        Assert.Equal("def", tokens[1].Text);
    }
}
