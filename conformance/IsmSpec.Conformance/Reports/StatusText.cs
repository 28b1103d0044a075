namespace IsmSpec.Conformance.Reports;

internal static class StatusText
{
    /// <summary>The JSON / JUnit spelling of a status.</summary>
    public static string Of(RequirementStatus status) => status switch
    {
        RequirementStatus.Pass => "pass",
        RequirementStatus.Fail => "fail",
        RequirementStatus.NotApplicable => "not-applicable",
        RequirementStatus.Untestable => "untestable",
        RequirementStatus.NotCovered => "not-covered",
        _ => "error",
    };

    public static string ReplayCommand(RequirementResult r) => $"ismspec conform --seed {r.Replay} --filter {r.Requirement.Id}";
}
