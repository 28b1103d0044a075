using System.IO.Pipelines;
using IsmSpec.Dibs.Loopback;
using IsmSpec.Smc.SharedMemory;

namespace IsmSpec.Smc.Tests.Support;

/// <summary>Two connected ends over some DIBS device(s), set up through SmcdEndpoint over an in-memory channel.</summary>
internal abstract class StreamBed : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public abstract (SmcdClient Client, DibsDevice Device) A { get; }
    public abstract (SmcdClient Client, DibsDevice Device) B { get; }

    /// <summary>A connects, B accepts; each end's receive DMB has the given size, both ends the given busy poll.</summary>
    public (SmcdConnection A, SmcdConnection B) Connect(uint dmbA = 1024, uint dmbB = 1024, TimeSpan busyPoll = default)
    {
        var (ca, cb) = Channels();
        var accept = SmcdEndpoint.AcceptAsync(B.Client, B.Device, cb, new SmcdStreamOptions { DmbSize = dmbB, BusyPoll = busyPoll });
        var connect = SmcdEndpoint.ConnectAsync(A.Client, A.Device, ca, new SmcdStreamOptions { DmbSize = dmbA, BusyPoll = busyPoll });
        Task.WhenAll(accept, connect).WaitAsync(Timeout).GetAwaiter().GetResult();
        return (connect.Result, accept.Result);
    }

    /// <summary>Two ends of an in-memory duplex channel.</summary>
    public static (Stream, Stream) Channels()
    {
        var ab = new Pipe();
        var ba = new Pipe();
        return (new DuplexStream(ba.Reader.AsStream(), ab.Writer.AsStream()), new DuplexStream(ab.Reader.AsStream(), ba.Writer.AsStream()));
    }

    public abstract void Dispose();
}

/// <summary>Both ends on the one loopback device of a layer, with one SMC-D client.</summary>
internal sealed class LoopbackBed : StreamBed
{
    public LoopbackBed()
    {
        Layer = DibsLayer.Load();
        Loopback = Layer.Loopback!;
        Client = SmcdClient.Register(Layer).Value;
    }

    public DibsLayer Layer { get; }
    public DibsLoopback Loopback { get; }
    public SmcdClient Client { get; }
    public override (SmcdClient, DibsDevice) A => (Client, Loopback.Device);
    public override (SmcdClient, DibsDevice) B => (Client, Loopback.Device);

    /// <summary>The bytes of a DMB of the loopback device (to check CDC headers).</summary>
    public Span<byte> Dmb(ulong token) => Loopback.GetDmbMemory(Loopback.Device, token).Value.Span;

    public override void Dispose()
    {
        Client.Unregister();
        Layer.Unload(TimeSpan.FromSeconds(1));
    }
}

/// <summary>Two stations of a shared-memory fabric in this process, each in its own layer with its own client.</summary>
internal sealed class SharedMemoryBed : StreamBed
{
    private readonly SharedMemoryFabric _fabric = SharedMemoryFabric.Create(2, 8, 64 * 1024);
    private readonly SharedMemoryDibsDevice[] _devices;
    private readonly DibsLayer[] _layers = [DibsLayer.Load(false), DibsLayer.Load(false)];
    private readonly SmcdClient[] _clients;

    public SharedMemoryBed()
    {
        _devices = [new(_fabric, 0), new(_fabric, 1)];
        for (var i = 0; i < 2; i++)
            Assert.True(_layers[i].AddDevice(_devices[i].Device).IsOk);
        _clients = [SmcdClient.Register(_layers[0]).Value, SmcdClient.Register(_layers[1]).Value];
    }

    public override (SmcdClient, DibsDevice) A => (_clients[0], _devices[0].Device);
    public override (SmcdClient, DibsDevice) B => (_clients[1], _devices[1].Device);

    public override void Dispose()
    {
        for (var i = 0; i < 2; i++)
        {
            _clients[i].Unregister();
            _layers[i].DeleteDevice(_devices[i].Device);
            _devices[i].Dispose();
        }
        _fabric.Dispose();
    }
}
