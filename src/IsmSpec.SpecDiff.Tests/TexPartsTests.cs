using IsmSpec.SpecDiff.Tex;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Tests;

/// <summary>The small pieces of the importer: sentences, levels, C constant expressions.</summary>
public class TexPartsTests
{
    private static List<TexSentence> Sentences(string body) => SentenceSplitter.Split(body, body.Select(_ => 1).ToList());

    [Fact]
    public void Sentences_split_at_full_stops_but_not_after_abbreviations()
    {
        var s = Sentences("The device MUST act, e.g. quickly. It MAY stop.  Then  it waits");
        Assert.Equal(["The device MUST act, e.g. quickly.", "It MAY stop.", "Then it waits"], s.Select(x => x.Text));
    }

    [Fact]
    public void Items_and_breaks_split_sentences()
    {
        var body = $"Lead:{TexNormativeBlock.ItemMark} one{TexNormativeBlock.ItemMark} two{TexNormativeBlock.BreakMark}after";
        var s = Sentences(body);
        Assert.Equal(["Lead:", "one", "two", "after"], s.Select(x => x.Text));
        Assert.Equal([false, true, true, false], s.Select(x => x.IsItem));
    }

    [Theory]
    [InlineData("The device MUST NOT reply.", RequirementLevel.MustNot)]
    [InlineData("The device MUST reply; it MAY wait.", RequirementLevel.Must)]
    [InlineData("A driver SHOULD  NOT poll.", RequirementLevel.ShouldNot)]
    [InlineData("A driver SHOULD poll.", RequirementLevel.Should)]
    [InlineData("It MAY poll.", RequirementLevel.May)]
    [InlineData("It must poll (lower case is not normative).", null)]
    [InlineData("MUSTARD is not a keyword.", null)]
    public void The_first_keyword_decides_the_level(string sentence, RequirementLevel? expected) =>
        Assert.Equal(expected, RequirementExtractor.FindLevel(sentence));

    [Theory]
    [InlineData("16", 16UL)]
    [InlineData("0x10u", 16UL)]
    [InlineData("0b101", 5UL)]
    [InlineData("010", 8UL)]
    [InlineData("(1 << 4) | 1", 17UL)]
    [InlineData("~0 & 0xFF", 255UL)]
    [InlineData("2 * 3 + 1", 7UL)]
    [InlineData("N + 1", 9UL)]
    [InlineData("-1", null)]
    [InlineData("1 - 2", null)]
    [InlineData("(u64)1", null)]
    [InlineData("1 << 64", null)]
    [InlineData("0x", null)]
    public void C_constant_expressions(string text, ulong? expected)
    {
        var tokens = CTokenizer.Lex(text, 1);
        Assert.Equal(expected, CExpression.Evaluate(tokens, n => n == "N" ? 8UL : null));
    }
}
