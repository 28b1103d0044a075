using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using IsmSpec.Specs.VhostUser;
using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio.Linux;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.VhostUser;

/// <summary>How <see cref="VhostUserSession.Start"/> sets a back-end up.</summary>
public sealed record VhostUserSessionOptions
{
    /// <summary>Device-type and transport feature bits the caller understands; VERSION_1 is always asked for.</summary>
    public ulong WantedFeatures { get; init; }
    /// <summary>Protocol features to accept when offered (default: REPLY_ACK, MQ, CONFIG).</summary>
    public ulong WantedProtocolFeatures { get; init; } =
        (ulong)(VhostUserProtocolFeatures.ReplyAck | VhostUserProtocolFeatures.Mq | VhostUserProtocolFeatures.Config);
    /// <summary>Bytes of memfd guest memory (rings and buffers), one SET_MEM_TABLE region.</summary>
    public long MemoryBytes { get; init; } = 1 << 20;
    /// <summary>Guest-physical address of the region's first byte; descriptors carry addresses from here on.</summary>
    public ulong GuestBase { get; init; } = 0x1_0000_0000;
    /// <summary>Rings to start; null = every queue GET_QUEUE_NUM reports.</summary>
    public int? QueueCount { get; init; } = 1;
    /// <summary>Queue size of every ring (power of two; libvhost-user allows up to 1024, research §5.7).</summary>
    public int QueueSize { get; init; } = 128;
}

/// <summary>One started ring: the driver half over shared memory plus its kick and call eventfds.</summary>
public sealed class VhostUserQueue(uint index, VirtqDriver driver, EventFd kick, EventFd call) : IDisposable
{
    public uint Index { get; } = index;
    public VirtqDriver Driver { get; } = driver;
    /// <summary>Front-end → back-end notification (the driver kicks through it).</summary>
    public EventFd Kick { get; } = kick;
    /// <summary>Back-end → front-end notification; may fire without new used buffers (VHOST-CALL-SPURIOUS).</summary>
    public EventFd Call { get; } = call;

    public void Dispose()
    {
        Kick.Dispose();
        Call.Dispose();
    }
}

/// <summary>
/// A started vhost-user device seen from the front-end: features negotiated, one memfd region as guest memory, rings
/// running with the driver half of the virtqueue library. Order as QEMU (research §5.6): negotiate, SET_FEATURES,
/// SET_MEM_TABLE, then per ring SET_VRING_NUM, SET_VRING_BASE, SET_VRING_ADDR, SET_VRING_KICK, SET_VRING_CALL, plus
/// SET_VRING_ENABLE(1) (§5.7). The region's user address is its real mapping address in this process; the back-end
/// uses it only as a key of the memory table (research §8). <see cref="Stop"/> sends GET_VRING_BASE per ring.
/// </summary>
public sealed unsafe class VhostUserSession : IDisposable
{
    private readonly SharedMemoryRegion _region;
    private readonly List<VhostUserQueue> _queues = [];
    private bool _stopped;

    private VhostUserSession(VhostUserFrontEnd frontEnd, VhostUserNegotiation negotiation, ulong features, SharedMemoryRegion region, ulong guestBase)
    {
        FrontEnd = frontEnd;
        Negotiation = negotiation;
        Features = features;
        _region = region;
        Memory = new SharedGuestMemory(region, guestBase);
        Allocator = new GuestAllocator(Memory);
        UserBase = (ulong)Unsafe.AsPointer(ref MemoryMarshal.GetReference(region.Span));
    }

    public VhostUserFrontEnd FrontEnd { get; }
    public VhostUserNegotiation Negotiation { get; }
    /// <summary>The feature word sent with SET_FEATURES.</summary>
    public ulong Features { get; }
    public IGuestMemory Memory { get; }
    public GuestAllocator Allocator { get; }
    /// <summary>This process's address of the region (the memory table's userspace_addr).</summary>
    public ulong UserBase { get; }
    public IReadOnlyList<VhostUserQueue> Queues => _queues;

    /// <summary>Translates a guest address inside the region to the front-end user address the back-end expects in SET_VRING_ADDR.</summary>
    public ulong ToUserAddress(ulong guestAddress) => UserBase + (guestAddress - Memory.BaseAddress);

    /// <summary>Negotiates and starts the rings on <paramref name="frontEnd"/>, which the session then owns (disposed here on failure).</summary>
    public static VhostUserSession Start(VhostUserFrontEnd frontEnd, VhostUserSessionOptions? options = null)
    {
        options ??= new VhostUserSessionOptions();
        VhostUserSession? session = null;
        try
        {
            var negotiation = frontEnd.Negotiate(options.WantedProtocolFeatures);
            ulong features = negotiation.OfferedFeatures & (options.WantedFeatures | VirtioSpec.VirtioFVersion1 | VhostUserSpec.VhostUserFProtocolFeatures);
            if ((features & VirtioSpec.VirtioFVersion1) == 0)
                throw new VhostUserProtocolException(VhostUserError.NotSupported, "the back-end does not offer VIRTIO_F_VERSION_1");
            int queues = options.QueueCount ?? (int)negotiation.QueueCount;
            if (queues < 1 || queues > negotiation.QueueCount)
                throw new VhostUserProtocolException(VhostUserError.NotSupported, $"{queues} rings requested, the back-end has {negotiation.QueueCount}");
            frontEnd.SetFeatures(features);

            session = new VhostUserSession(frontEnd, negotiation, features, SharedMemoryRegion.Create("ismspec-vhost-user", options.MemoryBytes), options.GuestBase);
            var entry = new VhostUserMemoryRegion
            {
                GuestPhysAddr = options.GuestBase,
                MemorySize = (ulong)options.MemoryBytes,
                UserspaceAddr = session.UserBase,
                MmapOffset = 0,
            };
            frontEnd.SetMemTable([new VhostUserRegionFd(entry, session._region.FileDescriptor)]); // VHOST-MEM-BEFORE-ADDR
            for (uint i = 0; i < queues; i++) session.StartRing(i, options.QueueSize);
            return session;
        }
        catch
        {
            if (session is not null) session.Dispose();
            else frontEnd.Dispose();
            throw;
        }
    }

    private void StartRing(uint index, int queueSize)
    {
        var layout = VirtqLayout.Allocate(Allocator, queueSize);
        var kick = EventFd.Create();
        var call = EventFd.Create();
        // The driver initialises the avail ring before the back-end maps it on SET_VRING_ADDR (research §5.6).
        var queue = new VhostUserQueue(index, new VirtqDriver(Memory, layout, Features, kick), kick, call);
        _queues.Add(queue);
        FrontEnd.SetVringNum(index, (uint)queueSize);
        FrontEnd.SetVringBase(index, 0);
        FrontEnd.SetVringAddr(new VhostVringAddr
        {
            Index = index,
            DescUserAddr = ToUserAddress(layout.DescTable),
            UsedUserAddr = ToUserAddress(layout.UsedRing),
            AvailUserAddr = ToUserAddress(layout.AvailRing),
        });
        FrontEnd.SetVringKick(index, kick.FileDescriptor);
        FrontEnd.SetVringCall(index, call.FileDescriptor);
        FrontEnd.SetVringEnable(index, true);
    }

    /// <summary>Stops every ring with GET_VRING_BASE and returns the states (num = next avail index the back-end would use).</summary>
    public IReadOnlyList<VhostVringState> Stop()
    {
        var states = new List<VhostVringState>();
        foreach (var queue in _queues) states.Add(FrontEnd.GetVringBase(queue.Index));
        _stopped = true;
        return states;
    }

    public bool Stopped => _stopped;

    public void Dispose()
    {
        FrontEnd.Dispose(); // closing the socket first: the back-end unmaps before our memory goes
        foreach (var queue in _queues) queue.Dispose();
        _region.Dispose();
    }
}
