using Xunit.Sdk;

namespace IsmSpec.IsmDriver.Tests;

/// <summary>
/// Every driver-role s390-ism requirement (rules 44–46, 48–60, 62, 64–66: the ism_drv side, listed as
/// DriverSide in the device's coverage test) is named by a [Trait("Requirement", …)] on some test here.
/// </summary>
public class RequirementCoverageTests
{
    private static HashSet<string> TaggedIds() =>
        RequirementTags.In(typeof(RequirementCoverageTests).Assembly);

    [Fact]
    public void Every_driver_requirement_is_tagged_on_a_test()
    {
        var tagged = TaggedIds();
        var driver = S390IsmSpec.Requirements.Where(r => r.Role == RequirementRole.Driver).Select(r => r.Id).ToArray();
        Assert.Equal(20, driver.Length);
        var missing = driver.Where(id => !tagged.Contains(id)).ToArray();
        Assert.True(missing.Length == 0, "untested: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_tag_names_a_known_requirement()
    {
        var ids = S390IsmSpec.Requirements.Select(r => r.Id).ToHashSet();
        Assert.DoesNotContain(TaggedIds(), id => !ids.Contains(id));
    }
}
