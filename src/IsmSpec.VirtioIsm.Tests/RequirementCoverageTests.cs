using System.Reflection;
using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>Every virtio-ism v1 requirement (draft statements and VISM-DEC decisions) is tagged by at least one test here.</summary>
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
        var missing = VirtioIsmSpec.Requirements.Select(r => r.Id).Where(id => !tagged.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "untested: " + string.Join(", ", missing));
        Assert.All(tagged, id => Assert.Contains(VirtioIsmSpec.Requirements, r => r.Id == id));
    }
}
