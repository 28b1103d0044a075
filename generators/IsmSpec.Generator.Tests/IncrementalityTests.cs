using IsmSpec.Generator.Pipeline;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace IsmSpec.Generator.Tests;

/// <summary>The pipeline caches: C# edits regenerate nothing; editing one spec regenerates only that spec.</summary>
public class IncrementalityTests
{
    private const string SpecA = "spec alpha version 1; struct a_thing { le32 x; }";
    private const string SpecB = "spec beta version 1; struct b_thing { be16 y; }";

    private static IncrementalStepRunReason[] GenerateReasons(GeneratorDriver driver) =>
        driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Generate]
            .SelectMany(step => step.Outputs).Select(o => o.Reason).ToArray();

    [Fact]
    public void Editing_an_unrelated_csharp_file_reuses_every_generated_output()
    {
        var compilation = GeneratorHarness.Compilation("namespace User; public class A { }");
        GeneratorDriver driver = GeneratorHarness.Driver(GeneratorHarness.Spec("a.ism", SpecA), GeneratorHarness.Spec("b.ism", SpecB));
        driver = driver.RunGenerators(compilation);
        Assert.All(GenerateReasons(driver), r => Assert.Equal(IncrementalStepRunReason.New, r));

        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.First(),
            CSharpSyntaxTree.ParseText("namespace User; public class A { public int Changed; }"));
        driver = driver.RunGenerators(edited);
        Assert.All(GenerateReasons(driver), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void Editing_one_spec_regenerates_only_that_spec()
    {
        var compilation = GeneratorHarness.Compilation("namespace User; public class A { }");
        var a = GeneratorHarness.Spec("a.ism", SpecA);
        var b = GeneratorHarness.Spec("b.ism", SpecB);
        GeneratorDriver driver = GeneratorHarness.Driver(a, b).RunGenerators(compilation);

        var bEdited = GeneratorHarness.Spec("b.ism", SpecB.Replace("be16 y;", "be16 y; be16 z;"));
        driver = driver.ReplaceAdditionalText(b, bEdited).RunGenerators(compilation);

        var outputs = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Generate].SelectMany(s => s.Outputs).ToList();
        var byKey = outputs.Select(o => (Result: (GenerationResult)o.Value, o.Reason))
                           .ToDictionary(o => o.Result.Files.First().HintName, o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, byKey["Beta.Types.g.cs"]);
        Assert.Contains(byKey["Alpha.Types.g.cs"], new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });
    }

    [Fact]
    public void Editing_a_comment_in_a_spec_rebinds_but_emits_nothing_new()
    {
        var compilation = GeneratorHarness.Compilation("namespace User; public class A { }");
        var a = GeneratorHarness.Spec("a.ism", SpecA);
        GeneratorDriver driver = GeneratorHarness.Driver(a).RunGenerators(compilation);
        var commented = GeneratorHarness.Spec("a.ism", "// a comment\n" + SpecA);
        driver = driver.ReplaceAdditionalText(a, commented).RunGenerators(compilation);
        var run = driver.GetRunResult().Results.Single();
        // The spec re-binds (its text changed) but produces an equal result, so nothing downstream re-emits.
        Assert.All(GenerateReasons(driver), r => Assert.Equal(IncrementalStepRunReason.Unchanged, r));
        var emitted = run.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.NotEmpty(emitted);
        Assert.All(emitted, r => Assert.Contains(r, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
    }

    [Fact]
    public void Pipeline_models_hold_no_symbols_syntax_or_compilations()
    {
        var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(Location), typeof(AdditionalText) };
        foreach (var model in new[] { typeof(SpecFile), typeof(SpecInput), typeof(GeneratedFile), typeof(DiagnosticInfo), typeof(GenerationResult) })
            foreach (var p in model.GetProperties())
                Assert.DoesNotContain(forbidden, f => f.IsAssignableFrom(p.PropertyType));
    }
}
