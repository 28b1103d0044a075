namespace IsmSpec.Codecs;

/// <summary>Links a generated type or member back to the spec declaration it came from.</summary>
[AttributeUsage(AttributeTargets.Struct | AttributeTargets.Enum | AttributeTargets.Interface | AttributeTargets.Class | AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Method, AllowMultiple = false)]
public sealed class SpecNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
