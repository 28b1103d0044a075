using Xunit.Sdk;

namespace IsmSpec.S390Ism.Tests;

/// <summary>
/// Every device-role s390-ism requirement (rules 43, 47, 61, 63 and IsmSpec's device decisions) is named by a
/// [Trait("Requirement", …)] on some test. The driver-role rules (the ism_drv side) wait for the driver model.
/// </summary>
public class RequirementCoverageTests
{
    /// <summary>Rules 44–46, 48–60, 62, 64–66: obligations of the ISM driver, not of the device.</summary>
    private static readonly string[] DriverSide =
    [
        S390IsmSpec.Ids.IsmCmdStoreSequence,
        S390IsmSpec.Ids.IsmCmdHdrLen,
        S390IsmSpec.Ids.IsmCmdOneInFlight,
        S390IsmSpec.Ids.IsmInitFailureEio,
        S390IsmSpec.Ids.IsmRawCodesToClient,
        S390IsmSpec.Ids.IsmDmbIdxRange,
        S390IsmSpec.Ids.IsmDmbIdxAlloc,
        S390IsmSpec.Ids.IsmDmbMaxLen,
        S390IsmSpec.Ids.IsmGid8Bytes,
        S390IsmSpec.Ids.IsmRegDmbResult,
        S390IsmSpec.Ids.IsmUnregDmbOrder,
        S390IsmSpec.Ids.IsmMoveAddrWord,
        S390IsmSpec.Ids.IsmMoveChunk4K,
        S390IsmSpec.Ids.IsmMoveSfLast,
        S390IsmSpec.Ids.IsmMoveZeroSize,
        S390IsmSpec.Ids.IsmMoveStoreEio,
        S390IsmSpec.Ids.IsmIrqHandlerOrder,
        S390IsmSpec.Ids.IsmIeqEventMapping,
        S390IsmSpec.Ids.IsmLifecycleOrder,
        S390IsmSpec.Ids.IsmDevNameFabric,
    ];

    private static HashSet<string> TaggedIds() =>
        RequirementTags.In(typeof(RequirementCoverageTests).Assembly);

    [Fact]
    public void Every_device_requirement_is_tagged_on_a_test()
    {
        var tagged = TaggedIds();
        var missing = S390IsmSpec.Requirements.Where(r => r.Role == RequirementRole.Device).Select(r => r.Id)
            .Where(id => !tagged.Contains(id)).ToArray();
        Assert.True(missing.Length == 0, "untested: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_driver_side_list_is_exactly_the_driver_role_rules_and_none_is_claimed()
    {
        var driver = S390IsmSpec.Requirements.Where(r => r.Role == RequirementRole.Driver).Select(r => r.Id).Order().ToArray();
        Assert.Equal(driver, DriverSide.Order().ToArray());
        var ids = S390IsmSpec.Requirements.Select(r => r.Id).ToHashSet();
        var tagged = TaggedIds();
        Assert.DoesNotContain(tagged, id => !ids.Contains(id));
        Assert.DoesNotContain(DriverSide, tagged.Contains);
    }
}
