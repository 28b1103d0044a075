namespace IsmSpec.Smc.Tests.Support;

/// <summary>Trait name that tags a test with the requirement ID (SmcSpec.Ids / DibsSpec.Ids) it checks.</summary>
internal static class Req
{
    public const string Trait = "Requirement";
}
