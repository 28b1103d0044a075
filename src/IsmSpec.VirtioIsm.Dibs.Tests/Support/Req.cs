namespace IsmSpec.VirtioIsm.Dibs.Tests.Support;

/// <summary>Trait name that tags a test with the DIBS requirement ID (DibsSpec.Ids) it checks.</summary>
internal static class Req
{
    public const string Trait = "Requirement";
}
