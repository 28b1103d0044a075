using System.Diagnostics;
using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Conformance.Dibs;

/// <summary>
/// One test bed as a property sees it: the layer, the device under test through its ops, recording clients
/// (an "owner" is registered unless asked otherwise) and DMB memory when the adapter exposes it.
/// </summary>
internal sealed class DibsSession : IDisposable
{
    public DibsSession(DibsTestBed bed, bool withOwner)
    {
        Bed = bed;
        Owner = new DibsRecordingClient("owner", Log);
        if (withOwner)
            DibsAssert.That(Layer.RegisterClient(Owner.Client).IsOk, "the reference layer refused the first client");
    }

    public DibsTestBed Bed { get; }
    public DibsLayer Layer => Bed.Layer;
    public DibsDevice Dev => Bed.Device;
    public IDibsDevOps<DibsDevice, DibsClient> Ops => Bed.Device.Ops;
    public List<string> Log { get; } = [];
    public DibsRecordingClient Owner { get; }
    public bool HasMemory => Bed.Memory is not null;

    /// <summary>The attach/detach trio; a violation when the device lacks it.</summary>
    public IDibsDevOpsMmapped<DibsDevice, DibsClient> Mmapped =>
        Dev.Mmapped ?? throw new ConformanceViolation("the device offers no support_mmapped_rdmb/attach_dmb/detach_dmb (loopback must, rule 15)");

    public DibsRecordingClient AddClient(string name)
    {
        var client = new DibsRecordingClient(name, Log);
        var rc = Layer.RegisterClient(client.Client);
        DibsAssert.That(rc.IsOk, $"the reference layer refused client {name}: {rc}");
        return client;
    }

    public int Register(uint len, out DibsDmb dmb, DibsClient? client = null, uint requestedIdx = 0, ReadOnlySpan<byte> rgid = default)
    {
        dmb = new DibsDmb { DmbLen = len, Idx = requestedIdx };
        if (rgid.Length == DibsSpec.DibsGidLen)
            rgid.CopyTo(dmb.Rgid);
        return Ops.RegisterDmb(Dev, ref dmb, client ?? Owner.Client);
    }

    public DibsDmb MustRegister(uint len, DibsClient? client = null)
    {
        DibsAssert.Ok(Register(len, out var dmb, client), $"register_dmb(dmb_len {len})");
        return dmb;
    }

    public int Unregister(DibsDmb dmb) => Ops.UnregisterDmb(Dev, ref dmb);

    public int Attach(ulong token, out DibsDmb attached)
    {
        attached = new DibsDmb { DmbTok = token };
        return Mmapped.AttachDmb(Dev, ref attached);
    }

    public int Detach(ulong token) => Mmapped.DetachDmb(Dev, token);

    public int Move(ulong token, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data) => Ops.MoveData(Dev, token, idx, sf, offset, data);

    /// <summary>A copy of the DMB's bytes, or null when the adapter exposes no memory or the token is unknown to it.</summary>
    public byte[]? Bytes(ulong token) =>
        Bed.Memory?.GetDmbMemory(Dev, token) is { IsOk: true } r ? r.Value.ToArray() : null;

    public byte[] MustBytes(ulong token) =>
        Bytes(token) ?? throw new ConformanceViolation($"no DMB memory for token {token:x16}");

    /// <summary>Waits up to the bed's signal latency until <paramref name="client"/> has seen at least <paramref name="count"/> IRQs.</summary>
    public bool WaitIrqs(DibsRecordingClient client, int count)
    {
        var clock = Stopwatch.StartNew();
        while (client.Irqs.Count < count)
        {
            if (clock.Elapsed >= Bed.SignalLatency)
                return false;
            Thread.Sleep(1);
        }
        return true;
    }

    /// <summary>Lets any late signal arrive before a check that none came.</summary>
    public void Settle()
    {
        if (Bed.SignalLatency > TimeSpan.Zero)
            Thread.Sleep(Bed.SignalLatency);
    }

    public void Dispose() => Bed.Dispose();
}
