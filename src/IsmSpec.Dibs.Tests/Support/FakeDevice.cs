namespace IsmSpec.Dibs.Tests.Support;

/// <summary>
/// A minimal device for layer tests: register_dmb hands out increasing indices and records the owner
/// through the layer's table, unregister_dmb clears it; IRQs and events are raised on demand.
/// </summary>
internal sealed class FakeDevice : IDibsDevOps<DibsDevice, DibsClient>
{
    private readonly int _maxDmbs;
    private uint _next;

    public FakeDevice(string name, int maxDmbs = 16)
    {
        _maxDmbs = maxDmbs;
        var gid = new byte[16];
        gid[0] = (byte)name.Length;
        name.Select(c => (byte)c).Take(15).ToArray().CopyTo(gid, 1);
        Device = new DibsDevice(name, gid, this);
    }

    public DibsDevice Device { get; }

    public ushort GetFabricId(DibsDevice dev) => 0x0123;
    public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid) => rgid.SequenceEqual(dev.Gid) ? 0 : 1;
    public int MaxDmbs() => _maxDmbs;

    public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client)
    {
        dmb.Idx = _next++;
        dmb.DmbTok = 0x1000 + dmb.Idx;
        dev.SetDmbOwner(dmb.Idx, client);
        return 0;
    }

    public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb)
    {
        dev.ClearDmbOwner(dmb.Idx);
        return 0;
    }

    public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data) => 0;

    /// <summary>Register a DMB for <paramref name="client"/> and return it.</summary>
    public DibsDmb Register(DibsClient client)
    {
        var dmb = new DibsDmb { DmbLen = 64 };
        Assert.Equal(0, RegisterDmb(Device, ref dmb, client));
        return dmb;
    }
}
