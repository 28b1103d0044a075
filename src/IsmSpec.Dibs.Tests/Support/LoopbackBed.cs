namespace IsmSpec.Dibs.Tests.Support;

/// <summary>A layer with a loopback device and one registered client ("owner") that owns the DMBs it registers.</summary>
internal sealed class LoopbackBed
{
    public LoopbackBed(DibsLoopbackOptions? options = null)
    {
        Layer = new DibsLayer();
        Lo = DibsLoopback.Probe(Layer, options).Value;
        Owner = new RecordingClient("owner", Log);
        Assert.True(Layer.RegisterClient(Owner.Client).IsOk);
    }

    public CallLog Log { get; } = new();
    public DibsLayer Layer { get; }
    public DibsLoopback Lo { get; }
    public DibsDevice Dev => Lo.Device;
    public RecordingClient Owner { get; }

    public DibsDmb Register(uint len = 4096, DibsClient? client = null)
    {
        var dmb = new DibsDmb { DmbLen = len };
        Assert.Equal(0, Lo.RegisterDmb(Dev, ref dmb, client ?? Owner.Client));
        return dmb;
    }

    public int Unregister(DibsDmb dmb) => Lo.UnregisterDmb(Dev, ref dmb);

    public int Attach(ulong token, out DibsDmb attached)
    {
        attached = new DibsDmb { DmbTok = token };
        return Lo.AttachDmb(Dev, ref attached);
    }

    public Memory<byte> Memory(ulong token) => Lo.GetDmbMemory(Dev, token).Value;

    public byte[] Bytes(ulong token) => Memory(token).ToArray();
}
