namespace IsmSpec.Codecs;

public enum RequirementRole { Device, Driver, Client, Layer }

public enum RequirementLevel { Must, MustNot, Should, ShouldNot, May }

/// <summary>One entry of a generated requirement catalog.</summary>
/// <param name="Feature">The feature bit the requirement depends on, if any.</param>
/// <param name="Untestable">Why no property can check it, if that is so.</param>
public sealed record Requirement(
    string Id, string Spec, int Version, RequirementRole Role, RequirementLevel Level,
    string Section, string Summary, string? Feature = null, string? Untestable = null)
{
    public bool IsMandatory => Level is RequirementLevel.Must or RequirementLevel.MustNot;

    public string LevelText => Level switch
    {
        RequirementLevel.Must => "MUST",
        RequirementLevel.MustNot => "MUST NOT",
        RequirementLevel.Should => "SHOULD",
        RequirementLevel.ShouldNot => "SHOULD NOT",
        _ => "MAY",
    };

    public override string ToString() => $"{Id} ({Role.ToString().ToLowerInvariant()} {LevelText}): {Summary}";
}
