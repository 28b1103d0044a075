using FsCheck;
using FsCheck.Fluent;
using Microsoft.CodeAnalysis;

namespace IsmSpec.Generator.Tests;

/// <summary>Spec diagnostics surface as compiler errors located in the .ism file; bad input never crashes the generator.</summary>
public class DiagnosticReportingTests
{
    [Fact]
    public void A_bad_spec_is_reported_as_an_error_at_its_line_and_column()
    {
        var (_, _, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Spec("/specs/bad.ism", "spec bad version 1;\nstruct s {\n  le32 a;\n  mystery b;\n}\n"));
        var d = Assert.Single(diagnostics);
        Assert.Equal("ISM0002", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        var span = d.Location.GetLineSpan();
        Assert.Equal("/specs/bad.ism", span.Path);
        Assert.Equal(3, span.StartLinePosition.Line);      // zero-based: line 4
        Assert.Equal(2, span.StartLinePosition.Character); // column 3
        Assert.Contains("mystery", d.GetMessage());
    }

    [Fact]
    public void A_spec_with_errors_generates_no_source()
    {
        var (result, _, _) = GeneratorHarness.Run(GeneratorHarness.Spec("x.ism", "spec x version 1; struct s { le32 a @4; }"));
        Assert.Empty(result.Results.Single().GeneratedSources);
        Assert.Null(result.Results.Single().Exception);
    }

    [Fact]
    public void Random_spec_text_never_throws_from_the_generator()
    {
        var alphabet = "spec version struct union view bitfield enum flags commandset command ack ok error ops optional group requirement MUST NOT SHOULD MAY section le16 be32 u8 h64 uuid x y { } ( ) [ ] ; : , = @ .. << | \" 0x1F 7 12 // /* */ \n".Split(' ');
        var gen = Gen.ArrayOf(Gen.Elements(alphabet)).Select(tokens => "spec f version 1; " + string.Join(" ", tokens));
        var prop = Prop.ForAll(gen.ToArbitrary(), (string text) =>
        {
            var (result, _, _) = GeneratorHarness.Run(GeneratorHarness.Spec("f.ism", text));
            return result.Results.Single().Exception == null;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300).WithReplay(20261121UL, 7UL), prop);
    }
}
