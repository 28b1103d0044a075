using System.Reflection;

namespace IsmSpec.Smc.Tests;

/// <summary>
/// Every requirement of the smc spec that the stream adopts, and the SMC-D client rules of the dibs spec it
/// implements (rules 67–72), is named by a [Trait("Requirement", …)] on some test here.
/// </summary>
public class RequirementCoverageTests
{
    /// <summary>smc requirements the stream does not implement: sizes are wider for tests, no nocopy attach.</summary>
    private static readonly string[] NotAdopted = [SmcSpec.Ids.SmcDmbSizes, SmcSpec.Ids.SmcNocopyGhostBuffer];

    /// <summary>The DIBS client rules this project implements.</summary>
    private static readonly string[] DibsRules =
    [
        DibsSpec.Ids.DibsClientUnregDmbsFirst, DibsSpec.Ids.DibsClientBalancedCalls, DibsSpec.Ids.DibsClientSmcMoveResult,
        DibsSpec.Ids.DibsClientSmcWriteOrder, DibsSpec.Ids.DibsClientSmcRegisterArgs, DibsSpec.Ids.DibsClientSmcIrqIgnoresMask,
    ];

    private static HashSet<string> Tagged() =>
        RequirementTags.In(typeof(RequirementCoverageTests).Assembly);

    [Fact]
    public void Every_adopted_requirement_is_tagged_on_a_test()
    {
        var tagged = Tagged();
        var wanted = SmcSpec.Requirements.Select(r => r.Id).Except(NotAdopted).Concat(DibsRules);
        var missing = wanted.Where(id => !tagged.Contains(id)).ToArray();
        Assert.True(missing.Length == 0, "untested: " + string.Join(", ", missing));
    }

    [Fact]
    public void Tags_name_real_requirements()
    {
        var known = SmcSpec.Requirements.Select(r => r.Id).Concat(DibsSpec.Requirements.Select(r => r.Id)).ToHashSet();
        var tagged = Tagged();
        var unknown = tagged.Where(id => !known.Contains(id)).ToArray();
        Assert.True(unknown.Length == 0, "unknown: " + string.Join(", ", unknown));
        var dishonest = NotAdopted.Where(tagged.Contains).ToArray();
        Assert.True(dishonest.Length == 0, "tagged but listed as not adopted: " + string.Join(", ", dishonest));
    }
}
