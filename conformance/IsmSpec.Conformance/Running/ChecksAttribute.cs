namespace IsmSpec.Conformance;

/// <summary>
/// Marks a suite method as the property for a requirement. The method returns an FsCheck <c>Property</c>
/// (or <c>bool</c>/<c>void</c> for a single deterministic check) and takes no parameters.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ChecksAttribute(string requirementId) : Attribute
{
    public string RequirementId { get; } = requirementId;
}
