using System.Net.Sockets;
using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VhostUser;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.Virtio.Linux;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Device;

namespace IsmSpec.VhostUser.Backend;

/// <summary>
/// The front-end messages (research §5.2). A message with its own reply gets it (GET_CONFIG errors = empty payload,
/// VHOST-CONFIG-REPLY-SIZE); any other message answers a u64 when NEED_REPLY is set (0 = done, 1 = refused,
/// VHOST-REPLY-ACK), and a refusal nobody asked to hear about drops the connection (README decision "errors").
/// </summary>
public sealed partial class BackEndConnection
{
    /// <summary>Protocol features this back-end offers.</summary>
    public const ulong OfferedProtocolFeatures = (ulong)(VhostUserProtocolFeatures.Mq | VhostUserProtocolFeatures.ReplyAck
        | VhostUserProtocolFeatures.BackendReq | VhostUserProtocolFeatures.Config | VhostUserProtocolFeatures.BackendSendFd
        | VhostUserProtocolFeatures.ResetDevice | VhostUserProtocolFeatures.Shmem);

    private ulong OfferedFeatures => _backEnd.Options.Host.DeviceFeatures | (_backEnd.Options.ProtocolFeatures is null ? 0 : VhostUserSpec.VhostUserFProtocolFeatures);
    private ulong OfferedProtocol => _backEnd.Options.ProtocolFeatures ?? 0;

    private void Handle(VhostUserMessage m)
    {
        _backEnd.Options.Observe?.Invoke(Id, m);
        if (m.Flags.Version != VhostUserSpec.VhostUserVersion || m.Flags.Reply)
            throw new DropException($"{m}: header flags 0x{m.Flags.Value:X} (version must be 1, REPLY clear)");
        var request = (VhostUserRequest)m.Request;
        string? error = ExpectedFds(m) is int fds && fds != m.FdCount ? Ack(m, $"{m}: expected {fds} descriptors") : request switch
        {
            VhostUserRequest.GetFeatures => Reply(m, U64(OfferedFeatures)),
            VhostUserRequest.GetProtocolFeatures => Reply(m, U64(OfferedProtocol)),
            VhostUserRequest.GetQueueNum => Reply(m, U64((ulong)_rings.Length)),
            VhostUserRequest.GetVringBase => GetVringBase(m),
            VhostUserRequest.GetConfig => GetConfig(m),
            VhostUserRequest.GetShmemConfig => GetShmemConfig(m),
            _ when m.Request == VhostUserIsm.HostResetRequest && _backEnd.Options.AllowHostControl => HostReset(m),
            _ when m.Request == VhostUserIsm.DeviceGoneRequest && _backEnd.Options.AllowHostControl => DeviceGone(m),
            _ => Ack(m, Set(m, request)),
        };
        if (error is not null) throw new DropException(error);
    }

    /// <summary>Runs a message without a reply of its own; null = done, else why it was refused.</summary>
    private string? Set(VhostUserMessage m, VhostUserRequest request)
    {
        switch (request)
        {
            case VhostUserRequest.SetFeatures: return U64Of(m, out ulong f) ?? SetFeatures(f);
            case VhostUserRequest.SetProtocolFeatures:
                if (U64Of(m, out ulong p) is { } e) return e;
                if ((p & ~OfferedProtocol) != 0) return $"protocol features 0x{p & ~OfferedProtocol:X} were not offered";
                _protocol = p;
                return null;
            case VhostUserRequest.SetOwner:
                if (Empty(m) is { } bad) return bad;
                Device();
                return null;
            case VhostUserRequest.ResetOwner or VhostUserRequest.ResetDevice: return Empty(m) ?? ResetDevice();
            case VhostUserRequest.SetMemTable: return SetMemTable(m);
            case VhostUserRequest.SetVringNum or VhostUserRequest.SetVringBase or VhostUserRequest.SetVringEnable: return SetState(m, request);
            case VhostUserRequest.SetVringAddr: return SetVringAddr(m);
            case VhostUserRequest.SetVringKick or VhostUserRequest.SetVringCall or VhostUserRequest.SetVringErr: return SetVringFd(m, request);
            case VhostUserRequest.SetBackendReqFd: return SetBackendReqFd(m);
            case VhostUserRequest.SetConfig: return "the virtio-ism config space has no writable field";
            default: return $"{m}: request not supported by this back-end";
        }
    }

    private static int? ExpectedFds(VhostUserMessage m) => (VhostUserRequest)m.Request switch
    {
        VhostUserRequest.SetMemTable => null,                                          // one per region, checked with the table
        VhostUserRequest.SetVringKick or VhostUserRequest.SetVringCall or VhostUserRequest.SetVringErr =>
            m.TryReadExact(out VhostUserVringFd v) && v.IndexFlags.Nofd ? 0 : 1,
        VhostUserRequest.SetBackendReqFd => 1,
        _ => 0,
    };

    private string? Reply(VhostUserMessage m, ReadOnlySpan<byte> payload)
    {
        _socket.Send(m.Request, VhostUserHeaderFlags.FromValue(VhostUserSpec.VhostUserVersion | 4u), payload);   // VHOST-REPLY-FLAG
        return null;
    }

    /// <summary>REPLY_ACK (VHOST-REPLY-ACK): a u64 when asked; an unreported refusal drops the connection.</summary>
    private string? Ack(VhostUserMessage m, string? error)
    {
        if (!m.Flags.NeedReply) return error;
        if (error is not null) _backEnd.Report($"front-end {Id}: refused {m}: {error}");
        return Reply(m, U64(error is null ? 0UL : 1UL));
    }

    private static byte[] U64(ulong value)
    {
        byte[] b = new byte[VhostUserU64.Size];
        new VhostUserU64 { ValueField = value }.TryWrite(b);
        return b;
    }

    private static string? U64Of(VhostUserMessage m, out ulong value)
    {
        value = m.TryReadExact(out VhostUserU64 v) ? v.ValueField : 0;
        return m.Payload.Length == VhostUserU64.Size ? null : $"{m}: payload must be one u64";
    }

    private static string? Empty(VhostUserMessage m) => m.Payload.Length is 0 or VhostUserU64.Size ? null : $"{m}: unexpected payload";

    private VirtioIsmDevice Device()
    {
        if (_device is { } d) return d;
        var device = _backEnd.CreateDevice();
        device.CommandExecuted = _backEnd.Sync;                 // SHMEM views are current before the driver sees an ack
        device.InlineEventDelivery = false;                     // rings are touched only by Poll here, never while stopped
        _device = device;
        for (int v = 0; v < _rings.Length - VhostUserIsm.FirstVectorRing; v++) device.Vectors.Bind(v, _rings[VhostUserIsm.FirstVectorRing + v].Call);
        return device;
    }

    private string? SetFeatures(ulong features)
    {
        if ((features & ~OfferedFeatures) != 0) return $"features 0x{features & ~OfferedFeatures:X} were not offered";
        var state = Device().State;
        ulong virtio = features & ~(VhostUserSpec.VhostUserFProtocolFeatures | VhostUserSpec.VhostFLogAll);
        if ((state.Status & VirtioDeviceStatus.FeaturesOk) != 0)
            return state.NegotiatedFeatures == virtio ? null : "features are already set: RESET_DEVICE first";
        state.Status = VirtioDeviceStatus.Acknowledge | VirtioDeviceStatus.Driver;
        state.DriverFeatures = virtio;
        if (!state.TrySetStatus(state.Status | VirtioDeviceStatus.FeaturesOk) || (state.Status & VirtioDeviceStatus.FeaturesOk) == 0)
            return $"the device refused features 0x{virtio:X}";
        _backEnd.Sync();                                         // NOTIFY (and REGIONS) can be published now
        return null;
    }

    private string? ResetDevice()
    {
        if (_device is not { } device) return null;
        lock (_backEnd.SyncLock) _publisher?.Forget();           // VHOST-SHMEM-RESET-DROPS
        device.State.Status = 0;                                 // releases every reference (VISM-DEC-RESET-RELEASES)
        foreach (var ring in _rings) ring.Clear();
        for (int v = 0; v < _rings.Length - VhostUserIsm.FirstVectorRing; v++) device.Vectors.Bind(v, _rings[VhostUserIsm.FirstVectorRing + v].Call);
        _backEnd.Sync();
        return null;
    }

    private string? SetMemTable(VhostUserMessage m)
    {
        if (_device?.State.DriverOk == true) return "SET_MEM_TABLE while the rings run (send RESET_DEVICE first)";
        var fds = new int[m.FdCount];
        for (int i = 0; i < fds.Length; i++) fds[i] = m.TakeFd(i);
        try
        {
            var memory = FrontEndMemory.TryCreate(m.Payload, fds, out string error);
            if (memory is null) return error;
            _memory?.Dispose();
            _memory = memory;
            foreach (var ring in _rings) { ring.Addr = null; ring.Layout = null; }
            return null;
        }
        finally
        {
            foreach (int fd in fds) Native.UnixNative.Close(fd);      // the mappings keep the memory
        }
    }

    private BackEndRing? QueueRing(uint index) => index < VhostUserIsm.FirstVectorRing ? _rings[index] : null;

    private string? SetState(VhostUserMessage m, VhostUserRequest request)
    {
        if (!m.TryReadExact(out VhostVringState s)) return $"{m}: payload must be a vring state";
        if (QueueRing(s.Index) is not { } ring) return $"{m}: ring {s.Index} is not a virtqueue (0 controlq, 1 eventq)";
        bool running = _device?.State.DriverOk == true && ring.Started && !ring.Stopped;
        switch (request)
        {
            case VhostUserRequest.SetVringNum:
                if (!VirtqLayout.IsValidQueueSize((int)Math.Min(s.Num, int.MaxValue))) return $"queue size {s.Num} is not a power of two up to 32768";
                if (ring.Started) return "SET_VRING_NUM on a started ring";
                ring.Num = s.Num;
                return null;
            case VhostUserRequest.SetVringBase:
                if (s.Num > ushort.MaxValue) return $"ring base {s.Num} is above 65535";
                if (running) return "SET_VRING_BASE on a running ring (GET_VRING_BASE stops it)";
                if (ring.Started && _device?.State.DriverOk == true && s.Num != UsedIdx(ring)) return "a stopped ring resumes only at the index GET_VRING_BASE reported";
                ring.Base = (ushort)s.Num;
                return null;
            default:
                if (s.Num > 1) return $"SET_VRING_ENABLE {s.Num}: 0 or 1";
                ring.Enabled = s.Num == 1;
                return null;
        }
    }

    private string? SetVringAddr(VhostUserMessage m)
    {
        if (!m.TryReadExact(out VhostVringAddr a)) return $"{m}: payload must be a vring address";
        if (QueueRing(a.Index) is not { } ring) return $"SET_VRING_ADDR for ring {a.Index}, not a virtqueue";
        if (_memory is null) return "SET_VRING_ADDR before SET_MEM_TABLE (VHOST-MEM-BEFORE-ADDR)";
        if (ring.Num == 0) return "SET_VRING_ADDR before SET_VRING_NUM";
        if (_device?.State.DriverOk == true) return ring.Addr is { } old && old.Equals(a) ? null : "SET_VRING_ADDR after the device started";
        if (a.Flags != 0) return "dirty logging (LOG flag) is not supported";
        var sizes = new VirtqLayout((ushort)ring.Num, 0, 0, 0);
        if (!_memory.TryUserToGuest(a.DescUserAddr, (ulong)sizes.DescTableBytes, out ulong desc)
            || !_memory.TryUserToGuest(a.AvailUserAddr, (ulong)sizes.AvailRingBytes, out ulong avail)
            || !_memory.TryUserToGuest(a.UsedUserAddr, (ulong)sizes.UsedRingBytes, out ulong used))
            return "a ring address lies outside the memory table (VHOST-VRING-USER-ADDR)";
        ring.Addr = a;
        ring.Layout = new VirtqLayout((ushort)ring.Num, desc, avail, used);
        return null;
    }

    private string? SetVringFd(VhostUserMessage m, VhostUserRequest request)
    {
        if (!m.TryReadExact(out VhostUserVringFd v) || v.IndexFlags.Rsvd != 0) return $"{m}: payload must be a ring index";
        uint index = (uint)v.IndexFlags.Index;
        var fd = v.IndexFlags.Nofd ? null : EventFd.FromInherited(m.TakeFd(0));
        if (request == VhostUserRequest.SetVringErr) { fd?.Dispose(); return index < _rings.Length ? null : $"no ring {index}"; }
        if (request == VhostUserRequest.SetVringCall)
        {
            if (index >= _rings.Length) { fd?.Dispose(); return $"SET_VRING_CALL for ring {index}; this device has {_rings.Length}"; }
            _rings[index].Call.Set(fd);
            if (index >= VhostUserIsm.FirstVectorRing) Device();    // binds the vector rings' calls
            return null;
        }
        if (QueueRing(index) is not { } ring) { fd?.Dispose(); return $"SET_VRING_KICK for ring {index}, not a virtqueue"; }
        ring.Kick?.Dispose();
        ring.Kick = fd;
        ring.PolledKick = fd is null;
        if (ring.Layout is not null) { ring.Started = true; if (ring.Stopped) SetStopped(ring, false); }   // libvhost-user starts here (§5.4)
        return null;
    }

    private string? SetBackendReqFd(VhostUserMessage m)
    {
        if (m.Payload.Length != 0) return $"{m}: unexpected payload";
        Socket socket;
        try { socket = new Socket(new SafeSocketHandle(m.TakeFd(0), true)); }
        catch (SocketException e) { return $"SET_BACKEND_REQ_FD: not a socket ({e.Message})"; }
        if (socket.AddressFamily != AddressFamily.Unix) { socket.Dispose(); return "SET_BACKEND_REQ_FD: not an AF_UNIX socket"; }
        lock (_backEnd.SyncLock)
        {
            _publisher?.Dispose();
            _publisher = new ShmemPublisher(new VhostUserSocket(socket), _backEnd.Options.MessageTimeout);
        }
        _backEnd.Sync();
        return null;
    }

    private string? GetVringBase(VhostUserMessage m)
    {
        if (!m.TryReadExact(out VhostVringState s) || QueueRing(s.Index) is not { } ring)
            return Ack(m, $"{m}: payload must name ring 0 or 1") ?? $"{m}: bad ring";
        uint next = ring.Started && _device?.State.DriverOk == true ? UsedIdx(ring) : ring.Base;
        if (ring.Started) SetStopped(ring, true);                              // VHOST-GET-BASE-STOPS
        byte[] reply = new byte[VhostVringState.Size];
        new VhostVringState { Index = s.Index, Num = next }.TryWrite(reply);
        return Reply(m, reply);
    }

    /// <summary>The used index in the ring (= next avail index: the reference device completes every chain it pops at once).</summary>
    private ushort UsedIdx(BackEndRing ring) =>
        ring.Layout is { } l && _memory is { } mem && mem.TryGetSpan(l.UsedRing + 2, 2, out var span) ? BitConverter.ToUInt16(span) : ring.Base;

    private string? GetConfig(VhostUserMessage m)
    {
        bool ok = (_protocol & (ulong)VhostUserProtocolFeatures.Config) != 0
            && VhostUserConfig.TryReadMessage(m.Payload, out var c, out _) && m.Payload.Length == VhostUserConfig.Size + (long)c.SizeField
            && c.SizeField is > 0 and <= VhostUserSpec.VhostUserMaxConfigSize && (ulong)c.Offset + c.SizeField <= VirtioIsmConfig.Size;
        if (!ok) return Reply(m, []);                                          // VHOST-CONFIG-REPLY-SIZE: empty = error
        VhostUserConfig.TryReadMessage(m.Payload, out var config, out _);
        byte[] reply = (byte[])m.Payload.Clone();
        Device().State.ReadConfig((int)config.Offset, reply.AsSpan(VhostUserConfig.Size));
        return Reply(m, reply);
    }

    private string? GetShmemConfig(VhostUserMessage m)
    {
        var device = Device();
        var shm = new VhostUserShmemConfig { Nregions = (uint)device.SharedMemory.Count };
        foreach (var s in device.SharedMemory) shm.SetMemorySizes((int)s.Id, s.Length);   // shmid = index (§5.8)
        byte[] reply = new byte[VhostUserShmemConfig.Size];
        shm.TryWrite(reply);
        return Reply(m, reply);
    }

    private string? HostReset(VhostUserMessage m)
    {
        if (!VhostUserIsm.TryReadHostReset(m.Payload, out string name, out int? regions)) return Reply(m, []);
        var info = _backEnd.ResetHost(this, name, regions);
        foreach (var ring in _rings) ring.Clear();
        return Reply(m, info.ToBytes());
    }

    private string? DeviceGone(VhostUserMessage m)
    {
        if (U64Of(m, out ulong devid) is not null) return Reply(m, U64(2));
        return Reply(m, U64(_backEnd.WaitGone(devid, TimeSpan.FromSeconds(3)) ? 0UL : 1UL));
    }
}
