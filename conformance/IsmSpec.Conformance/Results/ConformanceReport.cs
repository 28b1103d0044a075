namespace IsmSpec.Conformance;

/// <summary>All results of one run against one device.</summary>
public sealed record ConformanceReport(string Device, ulong Seed, int MaxTests, IReadOnlyList<RequirementResult> Results, TimeSpan Duration)
{
    public int Count(RequirementStatus status) => Results.Count(r => r.Status == status);

    /// <summary>Any failure or harness error makes the run non-conformant.</summary>
    public bool Passed => Results.All(r => r.Status is not (RequirementStatus.Fail or RequirementStatus.Error));

    public string Summary =>
        $"{Count(RequirementStatus.Pass)} passed, {Count(RequirementStatus.Fail)} failed, {Count(RequirementStatus.Error)} errors, " +
        $"{Count(RequirementStatus.NotApplicable)} not applicable, {Count(RequirementStatus.Untestable)} untestable, {Count(RequirementStatus.NotCovered)} not covered";
}
