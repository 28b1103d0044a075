namespace IsmSpec.Conformance.Dibs;

/// <summary>A DIBS device as a conformance target: the device, loopback and layer suites over one adapter.</summary>
public class DibsTarget(IDibsDeviceAdapter adapter) : IConformanceTarget
{
    public IDibsDeviceAdapter Adapter { get; } = adapter;
    public string Name => Adapter.Name;

    public IEnumerable<ConformanceSuite> CreateSuites() => DibsTargets.Suites(Adapter);
}

/// <summary>The built-in DIBS targets, for <c>ismspec conform</c> to merge into its device list.</summary>
public static class DibsTargets
{
    /// <summary>Name → factory; "dibs-loopback" is the reference device (research §3 with IsmSpec's decisions).</summary>
    public static IReadOnlyDictionary<string, Func<IConformanceTarget>> BuiltIn { get; } = new Dictionary<string, Func<IConformanceTarget>>
    {
        ["dibs-loopback"] = () => new DibsTarget(new LoopbackAdapter()),
    };

    /// <summary>The three DIBS suites for one adapter (client-role requirements are not theirs).</summary>
    public static IReadOnlyList<ConformanceSuite> Suites(IDibsDeviceAdapter adapter) =>
        [new DibsDeviceSuite(adapter), new DibsLoopbackSuite(adapter), new DibsLayerSuite(adapter)];
}
