using IsmSpec.Codecs;

namespace IsmSpec.Conformance;

/// <summary>The outcome for one requirement against one device.</summary>
/// <param name="Counterexample">For a failure: the shrunk counterexample as text.</param>
/// <param name="Replay">For a failure: the seed to pass to <c>--seed</c> (with <c>--filter ID</c>) to replay it.</param>
public sealed record RequirementResult(
    Requirement Requirement,
    RequirementStatus Status,
    string? Message = null,
    string? Counterexample = null,
    ulong? Replay = null,
    int TestsRun = 0,
    TimeSpan Duration = default)
{
    public bool IsConformant => Status is RequirementStatus.Pass or RequirementStatus.NotApplicable or RequirementStatus.Untestable;
}
