namespace IsmSpec.Conformance;

/// <summary>The result vocabulary of a conformance run (what a conformant verdict tolerates: Pass, NotApplicable, Untestable).</summary>
public enum RequirementStatus
{
    /// <summary>Every generated case held.</summary>
    Pass,
    /// <summary>A counterexample was found; the result carries it (shrunk) and the replay seed.</summary>
    Fail,
    /// <summary>The device does not offer the feature the requirement depends on.</summary>
    NotApplicable,
    /// <summary>No property can observe it; the spec's requirement states why.</summary>
    Untestable,
    /// <summary>No property checks it yet (a gap in the suite, not in the device).</summary>
    NotCovered,
    /// <summary>The harness or adapter failed (not a verdict about the device).</summary>
    Error,
}
