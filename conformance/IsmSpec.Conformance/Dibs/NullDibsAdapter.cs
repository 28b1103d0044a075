using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Conformance.Dibs;

/// <summary>
/// A do-nothing stub and the starting point for a third party's adapter: every operation answers -EOPNOTSUPP
/// (so even max_dmbs() is an error and the layer refuses the device). Every applicable requirement fails
/// against it, each with a message; none crashes the run. Replace the ops one by one with a real device.
/// </summary>
public sealed class NullDibsAdapter : IDibsDeviceAdapter
{
    public string Name => "dibs-null";
    public DibsDeviceKind Kind => DibsDeviceKind.Other;

    public DibsTestBed Create()
    {
        var ops = new NullDibsDevice();
        return DibsTestBed.Add(new DibsLayer(), new DibsDevice("null0", new byte[DibsSpec.DibsGidLen], ops), memory: ops);
    }
}

/// <summary>All DIBS device ops, optional ones included, each returning -EOPNOTSUPP.</summary>
public sealed class NullDibsDevice :
    IDibsDevOps<DibsDevice, DibsClient>,
    IDibsDevOpsMmapped<DibsDevice, DibsClient>,
    IDibsDevOpsSignalEvent<DibsDevice, DibsClient>,
    IDibsDmbMemory
{
    private const int NotSupported = -Errno.EOPNOTSUPP;

    public ushort GetFabricId(DibsDevice dev) => 0;
    public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid) => NotSupported;
    public int MaxDmbs() => NotSupported;
    public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client) => NotSupported;
    public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb) => NotSupported;
    public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data) => NotSupported;
    public int SupportMmappedRdmb(DibsDevice dev) => NotSupported;
    public int AttachDmb(DibsDevice dev, ref DibsDmb dmb) => NotSupported;
    public int DetachDmb(DibsDevice dev, ulong token) => NotSupported;
    public int SignalEvent(DibsDevice dev, ReadOnlySpan<byte> rgid, uint triggerIrq, uint eventCode, ulong info) => NotSupported;
    public DibsResult<Memory<byte>> GetDmbMemory(DibsDevice dev, ulong token) => DibsResult<Memory<byte>>.Fail(Errno.EOPNOTSUPP);
}
