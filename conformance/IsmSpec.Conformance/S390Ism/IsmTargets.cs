namespace IsmSpec.Conformance.S390Ism;

/// <summary>An s390 ISM device as a conformance target: the device-role suite over one adapter.</summary>
public class IsmTarget(IIsmFunctionAdapter adapter) : IConformanceTarget
{
    public IIsmFunctionAdapter Adapter { get; } = adapter;
    public string Name => Adapter.Name;

    public IEnumerable<ConformanceSuite> CreateSuites() => IsmTargets.Suites(Adapter);
}

/// <summary>The built-in s390 ISM targets, for <see cref="ReferenceTargets"/> to merge into the device list.</summary>
public static class IsmTargets
{
    /// <summary>Name → factory; "s390-ism" is the emulated reference function (src/IsmSpec.S390Ism).</summary>
    public static IReadOnlyDictionary<string, Func<IConformanceTarget>> BuiltIn { get; } = new Dictionary<string, Func<IConformanceTarget>>
    {
        ["s390-ism"] = () => new IsmTarget(new S390IsmAdapter()),
    };

    /// <summary>
    /// The suites for one adapter. Only the device role (ISM-DEV-*, rules 43, 47, 61, 63) is checked here;
    /// the driver-role requirements (rules 44–66, role driver) belong to a driver suite over
    /// src/IsmSpec.IsmDriver, which joins this list when it exists.
    /// </summary>
    public static IReadOnlyList<ConformanceSuite> Suites(IIsmFunctionAdapter adapter) =>
        [new IsmDeviceSuite(adapter)];
}
