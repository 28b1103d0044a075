using IsmSpec.Codecs;

namespace IsmSpec.Conformance;

/// <summary>
/// A set of properties for the requirements of one spec, against one device adapter. Subclasses mark
/// methods with <see cref="ChecksAttribute"/>; the runner calls each with <see cref="Context"/> set.
/// </summary>
public abstract class ConformanceSuite
{
    /// <summary>The spec whose catalog the suite answers for.</summary>
    public abstract ISpecInfo Spec { get; }

    /// <summary>A short name for reports, e.g. "virtio-ism device".</summary>
    public virtual string Name => Spec.Name;

    /// <summary>Whether a requirement of <see cref="Spec"/> belongs to this suite (e.g. only the device role).</summary>
    public virtual bool Covers(Requirement requirement) => true;

    /// <summary>Why a requirement does not apply to the device under test (e.g. a feature it does not offer), or null.</summary>
    public virtual string? NotApplicableReason(Requirement requirement) => null;

    /// <summary>Seed and test count for the property being run.</summary>
    public PropertyContext Context { get; internal set; } = PropertyContext.Default;
}

/// <summary>What a property needs from the run: its FsCheck configuration (seeded, deterministic).</summary>
public sealed record PropertyContext(ulong Seed, ulong Gamma, int MaxTests)
{
    public static readonly PropertyContext Default = new(1, 1, 100);
}
