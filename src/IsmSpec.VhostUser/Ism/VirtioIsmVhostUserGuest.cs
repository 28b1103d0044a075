using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VhostUser;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.VhostUser.Shmem;
using IsmSpec.Virtio.Linux;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.VhostUser.Ism;

/// <summary>
/// A virtio-ism guest whose device is a vhost-user back-end (issue 8 item 5): negotiates (REPLY_ACK, MQ, CONFIG,
/// BACKEND_REQ, BACKEND_SEND_FD, RESET_DEVICE, SHMEM), gives the back-end a memfd memory table and the back-end request
/// channel, reserves REGIONS/NOTIFY from GET_SHMEM_CONFIG and lets SHMEM_MAP fill them (<see cref="ShmemSpace"/>), then
/// drives ring 0 (controlq), ring 1 (eventq) and the vector call descriptors (ring 2 + v) with the driver half of the
/// virtqueue library. Every operation that kicks ends with a round trip (<see cref="VhostUserFrontEnd.Barrier"/>), so
/// the back-end's answer is in the rings when it returns. Not thread-safe (one caller), the channel has its own thread.
/// </summary>
public sealed unsafe partial class VirtioIsmVhostUserGuest : IDisposable
{
    public const ulong WantedProtocol = (ulong)(VhostUserProtocolFeatures.ReplyAck | VhostUserProtocolFeatures.Mq | VhostUserProtocolFeatures.Config
        | VhostUserProtocolFeatures.BackendReq | VhostUserProtocolFeatures.BackendSendFd | VhostUserProtocolFeatures.ResetDevice | VhostUserProtocolFeatures.Shmem);
    private const int QueueSize = 16, RequestBytes = 512, ReplyBytes = 256;
    private const ulong GuestBase = 0x1_0000_0000;

    private readonly SharedMemoryRegion _ram;
    private readonly SharedGuestMemory _memory;
    private readonly ulong _userBase;
    private readonly BackEndChannel _channel;
    private readonly EventFd[] _kicks = [EventFd.Create(), EventFd.Create()];
    private readonly EventFd[] _calls = [EventFd.Create(), EventFd.Create()];
    private EventFd[] _vectors = [];
    private long[] _vectorCounts = [];
    private VirtqDriver? _control, _events;
    private ulong _requestAt, _replyAt, _eventsAt;
    private uint _eventBytes;
    private readonly int[] _bufferOfHead = new int[QueueSize];
    private bool _negotiated, _disposed;

    private VirtioIsmVhostUserGuest(VhostUserFrontEnd frontEnd)
    {
        FrontEnd = frontEnd;
        _ram = SharedMemoryRegion.Create("ismspec-vhost-user-ism", 128 * 1024);
        _memory = new SharedGuestMemory(_ram, GuestBase);
        _userBase = (ulong)Unsafe.AsPointer(ref MemoryMarshal.GetReference(_ram.Span));
        _channel = new BackEndChannel(Space);
        try
        {
            Negotiation = frontEnd.Negotiate(WantedProtocol);
            if (!Negotiation.Has(VhostUserProtocolFeatures.ReplyAck) || !Negotiation.Has(VhostUserProtocolFeatures.Config))
                throw new VhostUserProtocolException(VhostUserError.NotSupported, "a virtio-ism back-end must offer REPLY_ACK and CONFIG");
            if (Negotiation.Has(VhostUserProtocolFeatures.BackendReq)) frontEnd.SetBackendReqFd(_channel.BackEndEnd);
            _channel.ReleaseBackEndEnd();
            if (Negotiation.Has(VhostUserProtocolFeatures.Shmem)) Space.Configure(frontEnd.GetShmemConfig());
            var region = new VhostUserMemoryRegion { GuestPhysAddr = GuestBase, MemorySize = (ulong)_ram.Length, UserspaceAddr = _userBase };
            frontEnd.SetMemTable([new VhostUserRegionFd(region, _ram.FileDescriptor)]);
            Config = frontEnd.GetConfig(0, (uint)VirtioIsmConfig.Size);
            int vectorRings = Math.Max(0, (int)Negotiation.QueueCount - VhostUserIsm.FirstVectorRing);
            _vectors = Enumerable.Range(0, vectorRings).Select(_ => EventFd.Create()).ToArray();
            _vectorCounts = new long[vectorRings];
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Connects to <paramref name="socketPath"/> and sets up everything but the rings (see <see cref="Negotiate"/>).</summary>
    public static VirtioIsmVhostUserGuest Connect(string socketPath, TimeSpan? replyTimeout = null)
    {
        var frontEnd = VhostUserFrontEnd.Connect(socketPath);
        frontEnd.ReplyTimeout = replyTimeout ?? TimeSpan.FromSeconds(5);
        return new VirtioIsmVhostUserGuest(frontEnd);
    }

    public VhostUserFrontEnd FrontEnd { get; }
    public VhostUserNegotiation Negotiation { get; }
    public ShmemSpace Space { get; } = new();
    public BackEndChannel Channel => _channel;

    /// <summary>The 32-byte virtio_ism_config read at connect (GET_CONFIG); <see cref="ReadConfig"/> reads it again.</summary>
    public byte[] Config { get; private set; }

    /// <summary>Device-specific feature bits the back-end offers.</summary>
    public ulong OfferedFeatures => Negotiation.OfferedFeatures & 0xFFFFFF;

    public int VectorCount => _vectors.Length;

    /// <summary>(shmid, size) of every shared memory region GET_SHMEM_CONFIG reported.</summary>
    public IReadOnlyList<(VirtioIsmShmId Id, ulong Length)> SharedMemory =>
        Enumerable.Range(1, 7).Where(i => Space.SizeOf((byte)i) > 0).Select(i => ((VirtioIsmShmId)i, Space.SizeOf((byte)i))).ToList();

    public byte[] ReadConfig() => Config = FrontEnd.GetConfig(0, (uint)VirtioIsmConfig.Size);

    /// <summary>
    /// (Re)initializes accepting exactly <paramref name="features"/> (device bits; VERSION_1 added): RESET_DEVICE when
    /// already initialized, SET_FEATURES, controlq, eventq with buffers (EVENT_VQ), vector calls (EVENT_IRQ), first kick.
    /// False when the back-end refuses.
    /// </summary>
    public bool Negotiate(ulong features)
    {
        if (_negotiated) Reset();
        ulong word = (features & 0xFFFFFF) | VirtioSpec.VirtioFVersion1 | (Negotiation.OfferedFeatures & VhostUserSpec.VhostUserFProtocolFeatures);
        if ((word & ~Negotiation.OfferedFeatures) != 0) return false;
        try { FrontEnd.SetFeatures(word); }
        catch (VhostUserProtocolException e) when (e.Error == VhostUserError.Refused) { return false; }
        _negotiated = true;
        ulong negotiated = word & ~VhostUserSpec.VhostUserFProtocolFeatures;
        _ram.Span.Clear();
        var allocator = new GuestAllocator(_memory);
        _control = StartRing(0, allocator, negotiated);
        _requestAt = allocator.Allocate(RequestBytes);
        _replyAt = allocator.Allocate(ReplyBytes);
        if ((negotiated & VirtioIsmSpec.VirtioIsmFEventVq) != 0)
        {
            _events = StartRing(1, allocator, negotiated);
            ulong regionSize = Math.Max(1, BitConverter.ToUInt64(Config, 16));
            ulong regions = Space.SizeOf(VhostUserIsm.RegionsShmid);
            _eventBytes = (uint)(VirtioIsmEvent.Size + (int)(regions / regionSize) * VirtioIsmEvent.OffsetElementSize);
            _eventsAt = allocator.Allocate(QueueSize * _eventBytes, 8);
            for (int i = 0; i < QueueSize; i++) PostEventBuffer(i);
        }
        if ((negotiated & VirtioIsmSpec.VirtioIsmFEventIrq) != 0)
            for (int v = 0; v < _vectors.Length; v++)
            {
                _vectors[v].TryConsume();
                _vectorCounts[v] = 0;
                FrontEnd.SetVringCall((uint)(VhostUserIsm.FirstVectorRing + v), _vectors[v].FileDescriptor);
            }
        _kicks[0].Notify();                                       // the first kick starts the device (README decision "start")
        _events?.Kick();
        FrontEnd.Barrier();
        return true;
    }

    private VirtqDriver StartRing(uint index, GuestAllocator allocator, ulong features)
    {
        var layout = VirtqLayout.Allocate(allocator, QueueSize);
        var driver = new VirtqDriver(_memory, layout, features, _kicks[index]);
        FrontEnd.SetVringNum(index, QueueSize);
        FrontEnd.SetVringBase(index, 0);
        FrontEnd.SetVringAddr(new VhostVringAddr { Index = index, DescUserAddr = User(layout.DescTable), UsedUserAddr = User(layout.UsedRing), AvailUserAddr = User(layout.AvailRing) });
        FrontEnd.SetVringKick(index, _kicks[index].FileDescriptor);
        FrontEnd.SetVringCall(index, _calls[index].FileDescriptor);
        FrontEnd.SetVringEnable(index, true);
        return driver;
    }

    private ulong User(ulong guestAddress) => _userBase + (guestAddress - GuestBase);

    /// <summary>RESET_DEVICE: the back-end drops rings and references; our SHMEM mappings are gone too (VHOST-SHMEM-RESET-DROPS).</summary>
    public void Reset()
    {
        FrontEnd.ResetDevice();
        Space.DropAll();
        _control = _events = null;
        _negotiated = false;
    }
}
