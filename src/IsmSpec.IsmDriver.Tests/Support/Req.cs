namespace IsmSpec.IsmDriver.Tests.Support;

/// <summary>Trait name that tags a test with the requirement ID (from <c>S390IsmSpec.Ids</c>) it checks.</summary>
internal static class Req
{
    public const string Trait = "Requirement";
}
