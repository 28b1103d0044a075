namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>A virtio-ism device (and optionally a driver) as a conformance target: the device suite and, given a driver, the driver suite.</summary>
public class VirtioIsmTarget(IVirtioIsmDeviceAdapter device, IVirtioIsmDriverAdapter? driver = null) : IConformanceTarget
{
    public IVirtioIsmDeviceAdapter Device { get; } = device;
    public IVirtioIsmDriverAdapter? Driver { get; } = driver;
    public string Name => Device.Name;

    public IEnumerable<ConformanceSuite> CreateSuites() => VirtioIsmTargets.Suites(Device, Driver);
}

/// <summary>
/// A version-2 (chunk/area) virtio-ism device as a conformance target: the v2 device suite over an adapter that
/// creates version-2 hosts (<see cref="VirtioIsmHostRequest.Version"/> 2) and, given a v2 driver, the v2 driver suite.
/// </summary>
public class VirtioIsmV2Target(IVirtioIsmDeviceAdapter device, IVirtioIsmV2DriverAdapter? driver = null, string? name = null) : IConformanceTarget
{
    public IVirtioIsmDeviceAdapter Device { get; } = device;
    public IVirtioIsmV2DriverAdapter? Driver { get; } = driver;
    public string Name => name ?? $"{Device.Name} v2";

    public IEnumerable<ConformanceSuite> CreateSuites() => VirtioIsmTargets.SuitesV2(Device, Driver);
}

/// <summary>The built-in virtio-ism targets, for <c>ismspec conform</c> to merge into its device list.</summary>
public static class VirtioIsmTargets
{
    /// <summary>
    /// Name → factory. "virtio-ism" is the reference device with the reference driver in the first-draft generation,
    /// "virtio-ism-v2" the same host's chunk/area generation with the chunk/area driver (src/IsmSpec.VirtioIsm); a run
    /// with no --device runs both.
    /// </summary>
    public static IReadOnlyDictionary<string, Func<IConformanceTarget>> BuiltIn { get; } = new Dictionary<string, Func<IConformanceTarget>>
    {
        ["virtio-ism"] = () => new VirtioIsmTarget(new ReferenceDeviceAdapter(), new ReferenceDriverAdapter()),
        ["virtio-ism-v2"] = () => new VirtioIsmV2Target(new ReferenceDeviceAdapter(), new ReferenceV2DriverAdapter(), "virtio-ism-v2"),
    };

    /// <summary>The device suite for <paramref name="device"/>, plus the driver suite when a driver is given.</summary>
    public static IReadOnlyList<ConformanceSuite> Suites(IVirtioIsmDeviceAdapter device, IVirtioIsmDriverAdapter? driver = null) =>
        driver is null ? [new VirtioIsmDeviceSuite(device)] : [new VirtioIsmDeviceSuite(device), new VirtioIsmDriverSuite(driver)];

    /// <summary>The version-2 device suite for <paramref name="device"/>, plus the version-2 driver suite when a driver is given.</summary>
    public static IReadOnlyList<ConformanceSuite> SuitesV2(IVirtioIsmDeviceAdapter device, IVirtioIsmV2DriverAdapter? driver = null) =>
        driver is null ? [new VirtioIsmV2DeviceSuite(device)] : [new VirtioIsmV2DeviceSuite(device), new VirtioIsmV2DriverSuite(driver)];
}
