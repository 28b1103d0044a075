using System.Reflection;

namespace IsmSpec.Codecs;

/// <summary>A feature bit of a spec.</summary>
public readonly record struct FeatureInfo(string Name, int Bit)
{
    public ulong Mask => 1UL << Bit;
}

/// <summary>A named value (device id or constant) of a spec.</summary>
public readonly record struct NamedValue(string Name, ulong Value);

/// <summary>What a generated spec class tells about its spec at run time.</summary>
public interface ISpecInfo
{
    string Name { get; }
    int Version { get; }
    IReadOnlyList<Requirement> Requirements { get; }
    IReadOnlyList<FeatureInfo> Features { get; }
    IReadOnlyList<NamedValue> DeviceIds { get; }
    /// <summary>Every generated wire type (structs, unions, bitfields) of the spec.</summary>
    IReadOnlyList<Type> WireTypes { get; }
    IReadOnlyList<CommandDescriptor> Commands { get; }
}

/// <summary>Marks an assembly as holding a generated spec (one attribute per spec).</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class SpecInfoAttribute(Type specType) : Attribute
{
    public Type SpecType { get; } = specType;
}

/// <summary>Finds the generated specs of an assembly.</summary>
public static class SpecRegistry
{
    public static IReadOnlyList<ISpecInfo> Load(Assembly assembly) =>
        assembly.GetCustomAttributes<SpecInfoAttribute>()
            .Select(a => a.SpecType.GetField("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as ISpecInfo)
            .Where(s => s is not null)
            .Select(s => s!)
            .OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Version)
            .ToList();

    /// <summary>The specs shipped in IsmSpec.Codecs.</summary>
    public static IReadOnlyList<ISpecInfo> Shipped => Load(typeof(SpecRegistry).Assembly);

    /// <summary>Every requirement of the given specs, in catalog order.</summary>
    public static IEnumerable<Requirement> AllRequirements(IEnumerable<ISpecInfo> specs) => specs.SelectMany(s => s.Requirements);
}
