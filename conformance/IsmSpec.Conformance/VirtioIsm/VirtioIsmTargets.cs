namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>A virtio-ism device (and optionally a driver) as a conformance target: the device suite and, given a driver, the driver suite.</summary>
public class VirtioIsmTarget(IVirtioIsmDeviceAdapter device, IVirtioIsmDriverAdapter? driver = null) : IConformanceTarget
{
    public IVirtioIsmDeviceAdapter Device { get; } = device;
    public IVirtioIsmDriverAdapter? Driver { get; } = driver;
    public string Name => Device.Name;

    public IEnumerable<ConformanceSuite> CreateSuites() => VirtioIsmTargets.Suites(Device, Driver);
}

/// <summary>The built-in virtio-ism targets, for <c>ismspec conform</c> to merge into its device list.</summary>
public static class VirtioIsmTargets
{
    /// <summary>Name → factory; "virtio-ism" is the reference device with the reference driver (src/IsmSpec.VirtioIsm).</summary>
    public static IReadOnlyDictionary<string, Func<IConformanceTarget>> BuiltIn { get; } = new Dictionary<string, Func<IConformanceTarget>>
    {
        ["virtio-ism"] = () => new VirtioIsmTarget(new ReferenceDeviceAdapter(), new ReferenceDriverAdapter()),
    };

    /// <summary>The device suite for <paramref name="device"/>, plus the driver suite when a driver is given.</summary>
    public static IReadOnlyList<ConformanceSuite> Suites(IVirtioIsmDeviceAdapter device, IVirtioIsmDriverAdapter? driver = null) =>
        driver is null ? [new VirtioIsmDeviceSuite(device)] : [new VirtioIsmDeviceSuite(device), new VirtioIsmDriverSuite(driver)];
}
