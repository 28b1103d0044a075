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
        ["s390-ism-driver"] = () => new Driver.IsmDriverTarget(new Driver.ReferenceIsmDriver()),
    };

    /// <summary>
    /// The suites for one adapter. Only the device role (ISM-DEV-*, rules 43, 47, 61, 63) is checked here;
    /// the driver-role requirements (rules 44–66, role driver) belong to the driver suite
    /// (<see cref="Driver.IsmDriverSuite"/>), which joins this list when a driver is given.
    /// </summary>
    public static IReadOnlyList<ConformanceSuite> Suites(IIsmFunctionAdapter adapter, Driver.IIsmDriverUnderTest? driver = null) =>
        driver is null ? [new IsmDeviceSuite(adapter)] : [new IsmDeviceSuite(adapter), new Driver.IsmDriverSuite(driver)];

    /// <summary>The driver suite alone, for an ISM driver under test (the suite plays the device with the reference function).</summary>
    public static IReadOnlyList<ConformanceSuite> Suites(Driver.IIsmDriverUnderTest driver) => [new Driver.IsmDriverSuite(driver)];
}
