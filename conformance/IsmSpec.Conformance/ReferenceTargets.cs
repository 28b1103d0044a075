namespace IsmSpec.Conformance;

/// <summary>
/// The built-in devices `ismspec conform` runs when no --device is given: IsmSpec's reference
/// implementations, each with its reference adapter. Families register their targets here.
/// </summary>
public static class ReferenceTargets
{
    public static IReadOnlyDictionary<string, Func<IConformanceTarget>> All { get; } = Build();

    private static Dictionary<string, Func<IConformanceTarget>> Build()
    {
        var all = new Dictionary<string, Func<IConformanceTarget>>(StringComparer.Ordinal);
        foreach (var (name, factory) in Dibs.DibsTargets.BuiltIn) all.Add(name, factory);
        foreach (var (name, factory) in S390Ism.IsmTargets.BuiltIn) all.Add(name, factory);
        foreach (var (name, factory) in Smc.SmcTargets.BuiltIn) all.Add(name, factory);
        foreach (var (name, factory) in VirtioIsm.VirtioIsmTargets.BuiltIn) all.Add(name, factory);
        foreach (var (name, factory) in Virtio.VirtioTargets.BuiltIn) all.Add(name, factory);
        foreach (var (name, factory) in VhostUser.VhostUserTargets.BuiltIn) all.Add(name, factory);
        return all;
    }
}
