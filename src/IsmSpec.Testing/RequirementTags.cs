using System.Reflection;

namespace IsmSpec.Testing;

/// <summary>Requirement IDs named by <c>[Trait("Requirement", ID)]</c> on the test methods of an assembly.</summary>
public static class RequirementTags
{
    public const string Trait = "Requirement";

    public static HashSet<string> In(Assembly tests) =>
        tests.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetCustomAttributesData())
            .Where(a => a.AttributeType.FullName == "Xunit.TraitAttribute" && (string?)a.ConstructorArguments[0].Value == Trait)
            .Select(a => (string)a.ConstructorArguments[1].Value!)
            .ToHashSet(StringComparer.Ordinal);
}
