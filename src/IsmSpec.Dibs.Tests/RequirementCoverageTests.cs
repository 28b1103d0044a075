using System.Reflection;
using Xunit.Sdk;

namespace IsmSpec.Dibs.Tests;

/// <summary>
/// Every DIBS requirement this project adopts (layer and device rules 1–42, IsmSpec's decisions, and the
/// layer-visible client rules 67–68) is named by a [Trait("Requirement", …)] on some test; the SMC-D client
/// rules wait for the SMC-D layer.
/// </summary>
public class RequirementCoverageTests
{
    /// <summary>Client rules that belong to SMC-D itself (rules 69–80), not to the DIBS layer or loopback.</summary>
    private static readonly string[] NotYetCovered =
    [
        DibsSpec.Ids.DibsClientSmcMoveResult,
        DibsSpec.Ids.DibsClientSmcWriteOrder,
        DibsSpec.Ids.DibsClientSmcRegisterArgs,
        DibsSpec.Ids.DibsClientSmcIrqIgnoresMask,
        DibsSpec.Ids.DibsClientSmcAttachGate,
        DibsSpec.Ids.DibsClientSmcUnregDmaAddr,
        DibsSpec.Ids.DibsClientSmcVlanRefcount,
        DibsSpec.Ids.DibsClientSmcV2Capable,
        DibsSpec.Ids.DibsClientSmcSwEvents,
        DibsSpec.Ids.DibsClientSmcEmulatedFabric,
        DibsSpec.Ids.DibsClientSmcGidConversion,
        DibsSpec.Ids.DibsClientSmcDeviceOrder,
    ];

    internal static HashSet<string> TaggedIds() =>
        RequirementTags.In(typeof(RequirementCoverageTests).Assembly);

    [Fact]
    public void Every_adopted_dibs_requirement_is_tagged_on_a_test()
    {
        var tagged = TaggedIds();
        var missing = DibsSpec.Requirements.Select(r => r.Id).Except(NotYetCovered).Where(id => !tagged.Contains(id)).ToArray();
        Assert.True(missing.Length == 0, "untested: " + string.Join(", ", missing));
    }

    [Fact]
    public void Tags_name_real_requirements_and_the_not_covered_list_is_honest()
    {
        var ids = DibsSpec.Requirements.Select(r => r.Id).ToHashSet();
        var tagged = TaggedIds();
        Assert.DoesNotContain(tagged, id => !ids.Contains(id));
        Assert.DoesNotContain(NotYetCovered, tagged.Contains);
    }
}
