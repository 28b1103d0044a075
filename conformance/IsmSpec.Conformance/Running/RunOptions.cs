using System.Text.RegularExpressions;

namespace IsmSpec.Conformance;

/// <summary>Options of one run: the seed every property derives its own from, test count and filters.</summary>
public sealed record RunOptions(ulong Seed = RunOptions.DefaultSeed, int MaxTests = 100, string? Filter = null, string? Spec = null)
{
    /// <summary>CI runs are deterministic: this seed unless <c>--seed</c> says otherwise.</summary>
    public const ulong DefaultSeed = 20261121;

    /// <summary>Matches a requirement ID against the <c>--filter</c> glob (<c>*</c> and <c>?</c>, case-insensitive).</summary>
    public bool Selects(string requirementId)
    {
        if (Filter is null) return true;
        var pattern = "^" + Regex.Escape(Filter).Replace(@"\*", ".*").Replace(@"\?", ".") + "$";
        return Regex.IsMatch(requirementId, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    /// <summary>Matches a spec against <c>--spec</c> ("virtio-ism" or "virtio-ism@2").</summary>
    public bool SelectsSpec(string name, int version) =>
        Spec is null || Spec == name || Spec == $"{name}@{version}";

    /// <summary>
    /// The seed for one requirement: mixed from the run seed and the ID, so a property sees the same
    /// cases whether it runs alone (<c>--filter ID</c>) or in the full run.
    /// </summary>
    public PropertyContext ContextFor(string requirementId)
    {
        ulong h = Seed ^ 0x9E3779B97F4A7C15UL;
        foreach (char c in requirementId) h = (h ^ c) * 0x100000001B3UL;
        h ^= h >> 29;
        return new PropertyContext(h, (h >> 11) | 1, MaxTests);
    }
}
