using System.Text;
using IsmSpec.Specs.VhostUser;
using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.VhostUser.Blk;

/// <summary>The result of one virtio-blk request: the status byte and the used length the device reported.</summary>
public readonly record struct VirtioBlkResult(VirtioBlkStatus Status, uint UsedLength);

/// <summary>
/// A synchronous virtio-blk driver over a <see cref="VhostUserSession"/> (research §6): each request is one chain
/// {16-byte header, data out} readable + {data in, status byte} writable, built with the virtqueue driver half in the
/// shared memory. Completions are asynchronous (research §8): after the kick it reads the used ring, sleeping on the
/// call eventfd between looks, and ignores call signals that bring nothing (VHOST-CALL-SPURIOUS). One request at a
/// time; not thread-safe.
/// </summary>
public sealed class VirtioBlkClient : IDisposable
{
    /// <summary>Device bits this client understands (negotiated when offered).</summary>
    public const ulong KnownFeatures =
        VirtioSpec.VirtioBlkFSizeMax | VirtioSpec.VirtioBlkFSegMax | VirtioSpec.VirtioBlkFBlkSize | VirtioSpec.VirtioBlkFFlush |
        VirtioSpec.VirtioBlkFTopology | VirtioSpec.VirtioBlkFConfigWce | VirtioSpec.VirtioBlkFMq | VirtioSpec.VirtioBlkFRo;

    private readonly VhostUserQueue _queue;
    private readonly ulong _header, _data, _status;

    public VirtioBlkClient(VhostUserSession session, int queue = 0, int maxDataBytes = 64 * 1024)
    {
        Session = session;
        _queue = session.Queues[queue];
        _header = session.Allocator.Allocate(VirtioBlkReqHeader.Size, 16);
        _data = session.Allocator.Allocate((ulong)maxDataBytes, 512);
        _status = session.Allocator.Allocate(1, 1);
        MaxDataBytes = maxDataBytes;
        if (session.Negotiation.Has(VhostUserProtocolFeatures.Config)
            && VirtioBlkConfig.TryRead(session.FrontEnd.GetConfig(0, VirtioBlkConfig.Size), out var config))
            Config = config;
    }

    /// <summary>Connects to a vhost-user-blk socket, negotiates, starts ring 0 and reads the config.</summary>
    public static VirtioBlkClient Connect(string socketPath, VhostUserSessionOptions? options = null)
    {
        var session = VhostUserSession.Start(VhostUserFrontEnd.Connect(socketPath),
            (options ?? new VhostUserSessionOptions()) with { WantedFeatures = KnownFeatures });
        try
        {
            return new VirtioBlkClient(session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public VhostUserSession Session { get; }
    public int MaxDataBytes { get; }
    /// <summary>The 60-byte virtio-blk config read with GET_CONFIG, when the back-end offers CONFIG.</summary>
    public VirtioBlkConfig? Config { get; }
    public TimeSpan CompletionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>VIRTIO_BLK_T_GET_ID: the NUL-padded 20-byte id string.</summary>
    public string GetId(out VirtioBlkResult result)
    {
        Span<byte> id = stackalloc byte[VirtioSpec.VirtioBlkIdBytes];
        result = Submit(VirtioBlkReqType.GetId, 0, default, id);
        int end = id.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? id : id[..end]);
    }

    public VirtioBlkResult Read(ulong sector, Span<byte> destination) => Submit(VirtioBlkReqType.In, sector, default, destination);
    public VirtioBlkResult Write(ulong sector, ReadOnlySpan<byte> source) => Submit(VirtioBlkReqType.Out, sector, source, default);
    public VirtioBlkResult Flush() => Submit(VirtioBlkReqType.Flush, 0, default, default);

    /// <summary>Any request type, also undefined ones (the device should answer UNSUPP).</summary>
    public VirtioBlkResult Submit(VirtioBlkReqType type, ulong sector, ReadOnlySpan<byte> dataOut, Span<byte> dataIn)
    {
        if (dataOut.Length + dataIn.Length > MaxDataBytes || (!dataOut.IsEmpty && !dataIn.IsEmpty))
            throw new ArgumentException($"one data direction per request, at most {MaxDataBytes} bytes");
        var memory = Session.Memory;
        ref var header = ref VirtioBlkReqHeader.View(memory.Get(_header, VirtioBlkReqHeader.Size));
        header.Type = type;
        header.Ioprio = 0;
        header.Sector = sector;
        memory.Get(_status, 1)[0] = 0xFF;
        dataOut.CopyTo(memory.Get(_data, (uint)dataOut.Length));

        Span<VirtqBuffer> readable = stackalloc VirtqBuffer[2];
        Span<VirtqBuffer> writable = stackalloc VirtqBuffer[2];
        int r = 0, w = 0;
        readable[r++] = new VirtqBuffer(_header, VirtioBlkReqHeader.Size);
        if (!dataOut.IsEmpty) readable[r++] = new VirtqBuffer(_data, (uint)dataOut.Length);
        if (!dataIn.IsEmpty) writable[w++] = new VirtqBuffer(_data, (uint)dataIn.Length);
        writable[w++] = new VirtqBuffer(_status, 1);

        var driver = _queue.Driver;
        if (!driver.TryAdd(readable[..r], writable[..w], out ushort head))
            throw new InvalidOperationException("no free descriptors (a previous request never completed)");
        driver.Kick();
        uint used = WaitFor(head);
        memory.Get(_data, (uint)dataIn.Length).CopyTo(dataIn);
        return new VirtioBlkResult((VirtioBlkStatus)memory.Get(_status, 1)[0], used);
    }

    private uint WaitFor(ushort head)
    {
        long deadline = Environment.TickCount64 + (long)CompletionTimeout.TotalMilliseconds;
        while (true)
        {
            if (_queue.Driver.TryGetUsed(out ushort done, out uint length))
            {
                if (done == head) return length;
                throw new InvalidDataException($"the device completed chain {done}, expected {head}");
            }
            long left = deadline - Environment.TickCount64;
            if (left <= 0) throw new VhostUserTimeoutException($"virtio-blk request (chain {head}) not completed within {CompletionTimeout.TotalSeconds:0.#} s");
            _queue.Call.Wait((int)Math.Min(left, 100)); // a signal without a used buffer just loops (spurious, research §8)
        }
    }

    public void Dispose() => Session.Dispose();
}
