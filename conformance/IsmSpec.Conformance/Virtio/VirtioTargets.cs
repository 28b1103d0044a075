namespace IsmSpec.Conformance.Virtio;

/// <summary>A split-ring device and driver as one conformance target: the device-role and driver-role suites.</summary>
public class VirtioTarget(string name, IVirtioDeviceUnderTest device, IVirtioDriverUnderTest driver, bool checkRecommendations = false) : IConformanceTarget
{
    public string Name => name;
    public IVirtioDeviceUnderTest Device { get; } = device;
    public IVirtioDriverUnderTest Driver { get; } = driver;

    public IEnumerable<ConformanceSuite> CreateSuites() => VirtioTargets.Suites(Device, Driver, checkRecommendations);
}

/// <summary>The built-in virtio targets, for <c>ismspec conform</c> to merge into its device list.</summary>
public static class VirtioTargets
{
    /// <summary>"virtio-split-ring": IsmSpec.Virtio's VirtqDevice/VirtioDeviceState and VirtqDriver/VirtioDriverHandshake.</summary>
    public static IReadOnlyDictionary<string, Func<IConformanceTarget>> BuiltIn { get; } = new Dictionary<string, Func<IConformanceTarget>>
    {
        ["virtio-split-ring"] = () => new VirtioTarget("virtio-split-ring", new ReferenceVirtioDevice(), new ReferenceVirtioDriver()),
    };

    public static IReadOnlyList<ConformanceSuite> Suites(IVirtioDeviceUnderTest device, IVirtioDriverUnderTest driver, bool checkRecommendations = false) =>
        [new VirtioDeviceSuite(device, checkRecommendations), new VirtioDriverSuite(driver, checkRecommendations)];
}
