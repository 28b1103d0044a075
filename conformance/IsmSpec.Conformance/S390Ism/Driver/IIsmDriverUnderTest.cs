using IsmSpec.Dibs;
using IsmSpec.IsmDriver;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Conformance.S390Ism.Driver;

/// <summary>
/// An s390 ISM driver under test (the ism_drv role, rules 44–66 with role driver). The suite plays the device: it
/// hands the driver an <see cref="IIsmPci"/> that records every command store/load and store block, answers
/// through the reference emulated function or with injected codes, and raises the MSI itself with SBA/IEQ contents
/// it prepared. The adapter probes its driver over that function inside the given DIBS layer (dibs_dev_add).
/// </summary>
public interface IIsmDriverUnderTest
{
    string Name { get; }

    /// <summary>
    /// ism_probe over <paramref name="pci"/> for a function with zPCI <paramref name="uid"/> and <paramref name="fid"/>:
    /// bring the function up and add the DIBS device to <paramref name="layer"/>. A failed probe returns its errno.
    /// The driver may use all of <c>pci.HostMemory</c>; the suite sizes it for the case.
    /// </summary>
    DibsResult<IIsmProbedDriver> Probe(DibsLayer layer, IIsmPci pci, uint uid, uint fid);
}

/// <summary>A probed driver: its DIBS device (the suite calls the DIBS ops through <c>Device.Ops</c>) and ism_remove.</summary>
public interface IIsmProbedDriver
{
    DibsDevice Device { get; }

    /// <summary>ism_remove: dibs_dev_del and the teardown; 0 or a negative errno.</summary>
    DibsResult Remove();
}

/// <summary>The reference driver (<see cref="IsmDibsDriver"/>, src/IsmSpec.IsmDriver) — also the example adapter.</summary>
public sealed class ReferenceIsmDriver : IIsmDriverUnderTest
{
    public string Name => "ism_drv reference (IsmDibsDriver)";

    public DibsResult<IIsmProbedDriver> Probe(DibsLayer layer, IIsmPci pci, uint uid, uint fid)
    {
        var probed = IsmDibsDriver.Probe(layer, pci, new IsmDriverOptions { Uid = uid, Fid = fid, PoolBytes = pci.HostMemory.Size });
        return probed.IsOk ? new Probed(probed.Value) : DibsResult<IIsmProbedDriver>.Fail(probed.Code);
    }

    private sealed class Probed(IsmDibsDriver driver) : IIsmProbedDriver
    {
        public DibsDevice Device => driver.Device;
        public DibsResult Remove() => driver.Remove();
    }
}

/// <summary>
/// A do-nothing driver: it adds a DIBS device named "stub" whose every op answers 0 and never touches the
/// function. Every driver requirement must fail against it (and none with a harness error).
/// </summary>
public sealed class NullIsmDriver : IIsmDriverUnderTest
{
    public string Name => "null ISM driver";

    public DibsResult<IIsmProbedDriver> Probe(DibsLayer layer, IIsmPci pci, uint uid, uint fid)
    {
        var stub = new Stub();
        layer.AddDevice(stub.Device);
        return stub;
    }

    private sealed class Stub : IIsmProbedDriver, IDibsDevOps<DibsDevice, DibsClient>, IDibsDevOpsAddVlanId<DibsDevice, DibsClient>,
        IDibsDevOpsDelVlanId<DibsDevice, DibsClient>, IDibsDevOpsSignalEvent<DibsDevice, DibsClient>
    {
        public Stub() => Device = new DibsDevice("stub", new byte[DibsSpec.DibsGidLen], this);
        public DibsDevice Device { get; }
        public DibsResult Remove() => DibsResult.Ok;
        public ushort GetFabricId(DibsDevice dev) => 0;
        public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid) => 0;
        public int MaxDmbs() => 1920;
        public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client) => 0;
        public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb) => 0;
        public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data) => 0;
        public int AddVlanId(DibsDevice dev, ulong vlanId) => 0;
        public int DelVlanId(DibsDevice dev, ulong vlanId) => 0;
        public int SignalEvent(DibsDevice dev, ReadOnlySpan<byte> rgid, uint triggerIrq, uint eventCode, ulong info) => 0;
    }
}

/// <summary>An ISM driver as a conformance target: the driver-role suite over one adapter.</summary>
public class IsmDriverTarget(IIsmDriverUnderTest driver) : IConformanceTarget
{
    public IIsmDriverUnderTest Driver { get; } = driver;
    public string Name => Driver.Name;
    public IEnumerable<ConformanceSuite> CreateSuites() => [new IsmDriverSuite(Driver)];
}
