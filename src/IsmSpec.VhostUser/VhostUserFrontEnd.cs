using IsmSpec.Specs.VhostUser;
using IsmSpec.Specs.Virtio;

namespace IsmSpec.VhostUser;

/// <summary>What <see cref="VhostUserFrontEnd.Negotiate"/> learned: offers, the accepted protocol features, queue count.</summary>
public readonly record struct VhostUserNegotiation(ulong OfferedFeatures, ulong OfferedProtocolFeatures, ulong ProtocolFeatures, uint QueueCount)
{
    public bool Has(VhostUserProtocolFeatures feature) => (ProtocolFeatures & (ulong)feature) != 0;
}

/// <summary>One SET_MEM_TABLE entry: the region as the back-end sees it plus the descriptor that backs it.</summary>
public readonly record struct VhostUserRegionFd(VhostUserMemoryRegion Region, int Fd);

/// <summary>
/// The front-end (VMM side) of vhost-user: one method per front-end message (vhost-user.rst "Front-end message
/// types", research §5.2), each with a bounded wait for its reply. Once REPLY_ACK is negotiated every message without
/// a reply of its own goes out with NEED_REPLY and a non-zero u64 ack becomes <see cref="VhostUserError.Refused"/>
/// (§5.1). Replies are checked: same request id, REPLY flag, version 1, exact payload size. Enforces VHOST-PROTO-*,
/// VHOST-VERSION1, VHOST-CONFIG-NEEDS-FEATURE and VHOST-MEM-TABLE-FDS on itself. Not thread-safe.
/// </summary>
public sealed partial class VhostUserFrontEnd(VhostUserSocket socket) : IDisposable
{
    private ulong? _offered;
    private ulong? _offeredProtocol;

    /// <summary>How long each reply may take; a silent back-end yields <see cref="VhostUserTimeoutException"/>.</summary>
    public TimeSpan ReplyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public VhostUserSocket Socket { get; } = socket;

    /// <summary>Protocol features accepted with SET_PROTOCOL_FEATURES (0 before).</summary>
    public ulong ProtocolFeatures { get; private set; }

    public bool ReplyAck => (ProtocolFeatures & (ulong)VhostUserProtocolFeatures.ReplyAck) != 0;

    public static VhostUserFrontEnd Connect(string path) => new(VhostUserSocket.Connect(path));

    /// <summary>
    /// QEMU's init order (research §5.6): GET_FEATURES, then with bit 30 GET_PROTOCOL_FEATURES and
    /// SET_PROTOCOL_FEATURES(offered ∩ <paramref name="wantedProtocol"/>), with MQ GET_QUEUE_NUM, then SET_OWNER.
    /// </summary>
    public VhostUserNegotiation Negotiate(ulong wantedProtocol)
    {
        ulong features = GetFeatures();
        ulong offeredProtocol = 0, accepted = 0;
        if ((features & VhostUserSpec.VhostUserFProtocolFeatures) != 0)
        {
            offeredProtocol = GetProtocolFeatures();
            accepted = offeredProtocol & wantedProtocol;
            SetProtocolFeatures(accepted);
        }
        uint queues = (accepted & (ulong)VhostUserProtocolFeatures.Mq) != 0 ? GetQueueNum() : 1;
        SetOwner();
        return new VhostUserNegotiation(features, offeredProtocol, accepted, queues);
    }

    public ulong GetFeatures() => (_offered = GetU64(VhostUserRequest.GetFeatures)).Value;

    /// <summary>SET_FEATURES; refuses a word without VERSION_1 (libvhost-user aborts on it, §5.7) or with bits never offered.</summary>
    public void SetFeatures(ulong features)
    {
        if ((features & VirtioSpec.VirtioFVersion1) == 0)
            throw new ArgumentException("SET_FEATURES must include VIRTIO_F_VERSION_1 (VHOST-VERSION1)", nameof(features));
        ulong offered = _offered ?? GetFeatures();
        if ((features & ~offered) != 0)
            throw new ArgumentException($"features 0x{features & ~offered:X} were not offered (VIRTIO-FEAT-DRIVER-SUBSET)", nameof(features));
        SetU64(VhostUserRequest.SetFeatures, features);
    }

    public ulong GetProtocolFeatures()
    {
        RequireFeature(VhostUserSpec.VhostUserFProtocolFeatures, "GET_PROTOCOL_FEATURES needs feature bit 30 (VHOST-PROTO-NEEDS-BIT30)");
        return (_offeredProtocol = GetU64(VhostUserRequest.GetProtocolFeatures)).Value;
    }

    public void SetProtocolFeatures(ulong features)
    {
        RequireFeature(VhostUserSpec.VhostUserFProtocolFeatures, "SET_PROTOCOL_FEATURES needs feature bit 30 (VHOST-PROTO-NEEDS-BIT30)");
        ulong offered = _offeredProtocol ?? GetProtocolFeatures();
        if ((features & ~offered) != 0)
            throw new ArgumentException($"protocol features 0x{features & ~offered:X} were not offered (VHOST-PROTO-SUBSET)", nameof(features));
        SetU64(VhostUserRequest.SetProtocolFeatures, features);
        ProtocolFeatures = features;
    }

    public uint GetQueueNum()
    {
        RequireProtocol(VhostUserProtocolFeatures.Mq, "GET_QUEUE_NUM");
        ulong n = GetU64(VhostUserRequest.GetQueueNum);
        return n is > 0 and <= 256 ? (uint)n : throw new VhostUserProtocolException(VhostUserError.MalformedReply, $"GET_QUEUE_NUM answered {n}");
    }

    public void SetOwner() => Call(VhostUserRequest.SetOwner, [], default, reply: false)?.Dispose();

    /// <summary>SET_MEM_TABLE: at most 8 regions, one descriptor each in region order (VHOST-MEM-TABLE-FDS).</summary>
    public void SetMemTable(ReadOnlySpan<VhostUserRegionFd> regions)
    {
        if (regions.IsEmpty || regions.Length > VhostUserSpec.VhostMemoryBaselineNregions)
            throw new ArgumentException("SET_MEM_TABLE carries 1 to 8 regions", nameof(regions));
        byte[] payload = new byte[VhostUserMemory.Size + regions.Length * VhostUserMemory.RegionsElementSize];
        new VhostUserMemory { Nregions = (uint)regions.Length }.TryWrite(payload);
        Span<int> fds = stackalloc int[regions.Length];
        for (int i = 0; i < regions.Length; i++)
        {
            VhostUserMemory.SetRegions(payload.AsSpan(VhostUserMemory.Size), i, regions[i].Region);
            fds[i] = regions[i].Fd;
        }
        Call(VhostUserRequest.SetMemTable, payload, fds, reply: false)?.Dispose();
    }

    public void SetVringNum(uint index, uint size) => SetState(VhostUserRequest.SetVringNum, index, size);
    public void SetVringBase(uint index, uint nextAvail) => SetState(VhostUserRequest.SetVringBase, index, nextAvail);
    public void SetVringEnable(uint index, bool enable) => SetState(VhostUserRequest.SetVringEnable, index, enable ? 1u : 0u);

    /// <summary>SET_VRING_ADDR with front-end user addresses (VHOST-VRING-USER-ADDR); send after SET_MEM_TABLE (VHOST-MEM-BEFORE-ADDR).</summary>
    public void SetVringAddr(in VhostVringAddr address)
    {
        byte[] payload = new byte[VhostVringAddr.Size];
        address.TryWrite(payload);
        Call(VhostUserRequest.SetVringAddr, payload, default, reply: false)?.Dispose();
    }

    /// <summary>SET_VRING_KICK with an eventfd, or polling (bit 8, no descriptor) when <paramref name="fd"/> is negative (VHOST-KICK-NOFD).</summary>
    public void SetVringKick(uint index, int fd) => SetVringFd(VhostUserRequest.SetVringKick, index, fd);
    public void SetVringCall(uint index, int fd) => SetVringFd(VhostUserRequest.SetVringCall, index, fd);

    /// <summary>GET_VRING_BASE: stops the ring; the reply's num is the next available index (VHOST-GET-BASE-STOPS).</summary>
    public VhostVringState GetVringBase(uint index)
    {
        using var reply = Call(VhostUserRequest.GetVringBase, StatePayload(index, 0), default, reply: true)!;
        if (!reply.TryReadExact(out VhostVringState state) || state.Index != index)
            throw new VhostUserProtocolException(VhostUserError.MalformedReply, $"GET_VRING_BASE reply of {reply.Payload.Length} bytes does not hold ring {index}'s state");
        return state;
    }

    /// <summary>GET_CONFIG (needs CONFIG): the reply must be as long as asked; an empty reply is the back-end's error (§5.2).</summary>
    public byte[] GetConfig(uint offset, uint size)
    {
        RequireProtocol(VhostUserProtocolFeatures.Config, "GET_CONFIG");
        if (size == 0 || size > VhostUserSpec.VhostUserMaxConfigSize) throw new ArgumentOutOfRangeException(nameof(size), "1..256 bytes");
        byte[] payload = new byte[VhostUserConfig.Size + size];
        new VhostUserConfig { Offset = offset, SizeField = size }.TryWrite(payload);
        using var reply = Call(VhostUserRequest.GetConfig, payload, default, reply: true)!;
        if (reply.Payload.Length == 0)
            throw new VhostUserProtocolException(VhostUserError.Refused, $"GET_CONFIG offset {offset} size {size}: the back-end answered with an empty payload (error)");
        if (reply.Payload.Length != payload.Length || !VhostUserConfig.TryReadMessage(reply.Payload, out var config, out var tail) || config.SizeField != size)
            throw new VhostUserProtocolException(VhostUserError.MalformedReply, $"GET_CONFIG reply of {reply.Payload.Length} bytes for a {payload.Length}-byte request");
        return tail.ToArray();
    }

    private void SetVringFd(VhostUserRequest request, uint index, int fd)
    {
        if (index > 0xFF) throw new ArgumentOutOfRangeException(nameof(index), "ring index is 8 bits in the fd payload");
        var value = VhostUserVringIndex.FromValue(index);
        value.Nofd = fd < 0;
        byte[] payload = new byte[VhostUserVringFd.Size];
        new VhostUserVringFd { IndexFlags = value }.TryWrite(payload);
        Call(request, payload, fd < 0 ? default : [fd], reply: false)?.Dispose();
    }

    private void SetState(VhostUserRequest request, uint index, uint num) => Call(request, StatePayload(index, num), default, reply: false)?.Dispose();

    private static byte[] StatePayload(uint index, uint num)
    {
        byte[] payload = new byte[VhostVringState.Size];
        new VhostVringState { Index = index, Num = num }.TryWrite(payload);
        return payload;
    }

    private ulong GetU64(VhostUserRequest request)
    {
        using var reply = Call(request, [], default, reply: true)!;
        return reply.TryReadExact(out VhostUserU64 value)
            ? value.ValueField
            : throw new VhostUserProtocolException(VhostUserError.MalformedReply, $"{Name(request)} reply has {reply.Payload.Length} payload bytes, not 8");
    }

    private void SetU64(VhostUserRequest request, ulong value)
    {
        byte[] payload = new byte[VhostUserU64.Size];
        new VhostUserU64 { ValueField = value }.TryWrite(payload);
        Call(request, payload, default, reply: false)?.Dispose();
    }

    /// <summary>Sends a request; returns its reply when <paramref name="reply"/>, otherwise consumes the REPLY_ACK u64 if one was asked for.</summary>
    private VhostUserMessage? Call(VhostUserRequest request, ReadOnlySpan<byte> payload, ReadOnlySpan<int> fds, bool reply)
    {
        bool ack = !reply && ReplyAck;
        var flags = VhostUserHeaderFlags.FromValue(VhostUserSpec.VhostUserVersion);
        flags.NeedReply = ack;
        Socket.Send((uint)request, flags, payload, fds);
        if (!reply && !ack) return null;
        var message = Socket.Receive(ReplyTimeout);
        try
        {
            var h = message.Flags;
            if (message.Request != (uint)request || !h.Reply || h.Version != VhostUserSpec.VhostUserVersion)
                throw new VhostUserProtocolException(VhostUserError.UnexpectedReply,
                    $"{Name(request)}: got a reply header for request {message.Request} with flags 0x{h.Value:X}");
            if (reply) return message;
            if (!message.TryReadExact(out VhostUserU64 result))
                throw new VhostUserProtocolException(VhostUserError.MalformedReply, $"{Name(request)}: REPLY_ACK payload of {message.Payload.Length} bytes, not 8");
            if (result.ValueField != 0)
                throw new VhostUserProtocolException(VhostUserError.Refused, $"{Name(request)} refused by the back-end (ack 0x{result.ValueField:X})");
            message.Dispose();
            return null;
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    private void RequireFeature(ulong mask, string what)
    {
        if (((_offered ?? GetFeatures()) & mask) == 0) throw new VhostUserProtocolException(VhostUserError.NotSupported, what);
    }

    private void RequireProtocol(VhostUserProtocolFeatures feature, string request)
    {
        if ((ProtocolFeatures & (ulong)feature) == 0)
            throw new VhostUserProtocolException(VhostUserError.NotSupported, $"{request} needs the negotiated protocol feature {VhostUserProtocolFeaturesInfo.SpecNameOf(feature)}");
    }

    private static string Name(VhostUserRequest request) => VhostUserRequestInfo.SpecNameOf(request) ?? request.ToString();

    public void Dispose() => Socket.Dispose();
}
