namespace IsmSpec.SpecDiff.Model;

/// <summary>What a change means for peers and for code built from the spec. Declared in report order.</summary>
public enum DiffClass
{
    /// <summary>Bytes on the wire, or what they mean, differ: old and new peers cannot talk.</summary>
    WireBreaking,
    /// <summary>The generated C# API changes (renames, ops signatures) while the wire stays the same.</summary>
    SourceBreaking,
    /// <summary>Additions that old peers ignore, or a reserved field given a meaning.</summary>
    Compatible,
    /// <summary>A normative requirement was added, removed or changed.</summary>
    Normative,
}

/// <summary>The <c>--fail-on</c> threshold: which classes make <c>ismspec diff</c> exit 1.</summary>
public enum FailOn { Wire, Source, Normative, Any, None }

public static class DiffClasses
{
    public static readonly IReadOnlyList<DiffClass> InReportOrder =
        [DiffClass.WireBreaking, DiffClass.SourceBreaking, DiffClass.Compatible, DiffClass.Normative];

    /// <summary>The label used in every output format: <c>wire-breaking</c>, <c>source-breaking</c>, <c>compatible</c>, <c>normative</c>.</summary>
    public static string Label(this DiffClass c) => c switch
    {
        DiffClass.WireBreaking => "wire-breaking",
        DiffClass.SourceBreaking => "source-breaking",
        DiffClass.Compatible => "compatible",
        _ => "normative",
    };

    /// <summary>Severity for <c>--fail-on</c>: wire 3 &gt; source 2 &gt; normative 1 &gt; compatible 0.</summary>
    public static int Severity(this DiffClass c) => c switch
    {
        DiffClass.WireBreaking => 3,
        DiffClass.SourceBreaking => 2,
        DiffClass.Normative => 1,
        _ => 0,
    };

    /// <summary>True when a finding of class <paramref name="c"/> reaches the threshold (is "at or above" it).</summary>
    public static bool Reaches(this DiffClass c, FailOn failOn) => failOn switch
    {
        FailOn.Wire => c.Severity() >= 3,
        FailOn.Source => c.Severity() >= 2,
        FailOn.Normative => c.Severity() >= 1,
        FailOn.Any => true,
        _ => false,
    };

    public static string Label(this FailOn f) => f.ToString().ToLowerInvariant();

    public static bool TryParseFailOn(string? text, out FailOn failOn)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "wire": failOn = FailOn.Wire; return true;
            case "source": failOn = FailOn.Source; return true;
            case "normative": failOn = FailOn.Normative; return true;
            case "any": failOn = FailOn.Any; return true;
            case "none": failOn = FailOn.None; return true;
            default: failOn = FailOn.Wire; return false;
        }
    }

    public static bool TryParseLabel(string text, out DiffClass c)
    {
        foreach (var candidate in InReportOrder)
        {
            if (candidate.Label() == text) { c = candidate; return true; }
        }
        c = DiffClass.Compatible;
        return false;
    }
}
