using System.Reflection;
using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>
/// Every virtio-ism requirement of version 1 (draft statements, VISM-DEC decisions) and version 2 (VISM2-*) is tagged by
/// at least one test here, and every tag names a requirement of one of them.
/// </summary>
public class RequirementCoverageTests
{
    [Fact]
    public void Every_requirement_has_a_tagged_test()
    {
        var tagged = typeof(RequirementCoverageTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetCustomAttributesData())
            .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == "Requirement")
            .Select(a => (string)a.ConstructorArguments[1].Value!)
            .ToHashSet();
        var all = VirtioIsmSpec.Requirements.Concat(Specs.VirtioIsm.V2.VirtioIsmSpec.Requirements).Select(r => r.Id).ToHashSet();
        var missing = all.Where(id => !tagged.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "untested: " + string.Join(", ", missing));
        Assert.All(tagged, id => Assert.Contains(id, all));
        Assert.Contains("VISM2-DEC-CLEAN-DEFAULT", all);
    }
}
