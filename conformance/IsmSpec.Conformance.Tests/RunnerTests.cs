namespace IsmSpec.Conformance.Tests;

public class RunnerTests
{
    private static RequirementResult Result(ConformanceReport report, string id) => report.Results.Single(r => r.Requirement.Id == id);

    [Fact]
    public void Each_status_of_the_vocabulary_is_produced_where_it_belongs()
    {
        var report = new ConformanceRunner(new RunOptions()).Run("toy", [new ToySuite()]);
        Assert.Equal(RequirementStatus.Pass, Result(report, "TOY-PASS").Status);
        Assert.Equal(RequirementStatus.Fail, Result(report, "TOY-FAIL").Status);
        Assert.Equal(RequirementStatus.Fail, Result(report, "TOY-VOID").Status);
        Assert.Equal(RequirementStatus.Untestable, Result(report, "TOY-UNTESTABLE").Status);
        Assert.Equal("nothing visible", Result(report, "TOY-UNTESTABLE").Message);
        Assert.Equal(RequirementStatus.NotApplicable, Result(report, "TOY-FEATURE").Status);
        Assert.Equal(RequirementStatus.NotCovered, Result(report, "TOY-GAP").Status);
        Assert.Equal(RequirementStatus.Error, Result(report, "TOY-CRASH").Status);
        Assert.Contains("adapter not connected", Result(report, "TOY-CRASH").Message);
        Assert.False(report.Passed);
    }

    [Fact]
    public void A_feature_the_device_offers_makes_its_requirement_run()
    {
        var report = new ConformanceRunner(new RunOptions(Filter: "TOY-FEATURE")).Run("toy", [new ToySuite(offersFast: true)]);
        Assert.Equal(RequirementStatus.Pass, Assert.Single(report.Results).Status);
    }

    [Fact]
    public void A_failure_carries_a_shrunk_counterexample_and_the_run_seed()
    {
        var report = new ConformanceRunner(new RunOptions(Seed: 77, MaxTests: 500)).Run("toy", [new ToySuite()]);
        var failure = Result(report, "TOY-FAIL");
        Assert.Equal(77UL, failure.Replay);
        Assert.Equal("42", failure.Counterexample); // shrunk to the single offending byte (hex)
        Assert.Equal("class 9 command 9", Result(report, "TOY-VOID").Counterexample);
    }

    [Fact]
    public void The_same_seed_replays_the_same_counterexample_alone_or_in_the_full_run()
    {
        var full = new ConformanceRunner(new RunOptions(Seed: 123456)).Run("toy", [new ToySuite()]);
        var alone = new ConformanceRunner(new RunOptions(Seed: 123456, Filter: "TOY-FAIL")).Run("toy", [new ToySuite()]);
        var a = Result(full, "TOY-FAIL");
        var b = Assert.Single(alone.Results);
        Assert.Equal(a.Counterexample, b.Counterexample);
        Assert.Equal(a.TestsRun, b.TestsRun);
        Assert.Equal(a.Message, b.Message);
    }

    [Theory]
    [InlineData("TOY-*", 7)]
    [InlineData("toy-pass", 1)]
    [InlineData("TOY-?AIL", 1)]
    [InlineData("NOPE-*", 0)]
    public void The_filter_is_a_case_insensitive_glob(string filter, int expected) =>
        Assert.Equal(expected, new ConformanceRunner(new RunOptions(Filter: filter)).Plan([new ToySuite()]).Count());

    [Fact]
    public void The_spec_option_selects_suites_by_name_or_name_and_version()
    {
        Assert.Equal(7, new ConformanceRunner(new RunOptions(Spec: "toy@1")).Plan([new ToySuite()]).Count());
        Assert.Empty(new ConformanceRunner(new RunOptions(Spec: "virtio-ism")).Plan([new ToySuite()]));
    }

    [Fact]
    public void Coverage_names_every_mandatory_requirement_without_a_property_or_reason()
    {
        var gaps = Coverage.Gaps([new ToySuite()]);
        Assert.Equal(["TOY-GAP"], gaps.Select(g => g.Requirement.Id));
        Assert.Equal(1.0 / 5, Coverage.UntestableShare(ToySpec.Instance.Requirements), 3);
    }
}
