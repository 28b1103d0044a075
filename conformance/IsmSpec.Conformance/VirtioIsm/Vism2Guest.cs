using IsmSpec.Specs.VirtioIsm.V2;
using V1 = IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>One fresh version-2 host of the device under test and its guests; disposed after the case.</summary>
internal sealed class Vism2Session : IDisposable
{
    private readonly List<Vism2Guest> _guests = [];

    public Vism2Session(IVirtioIsmDeviceAdapter adapter, VirtioIsmHostRequest request)
    {
        try
        {
            Host = adapter.CreateHost(request with { Version = 2 });
        }
        catch (Exception e) when (e is not ConformanceViolation)
        {
            throw new ConformanceViolation($"{adapter.Name}: the adapter could not create a version-2 host: {e.Message}");
        }
    }

    public IVirtioIsmHost Host { get; }
    public IReadOnlyList<Vism2Guest> Guests => _guests;

    /// <summary>Plugs in a guest and initializes it (version 2 has no feature bits: eventq and vectors always).</summary>
    public Vism2Guest Add() => Open(Host.AddGuest(), $"guest {(char)('A' + _guests.Count)}");

    public Vism2Guest Open(IVirtioIsmGuest raw, string name)
    {
        VismAssert.That(raw.Negotiate(0), $"{name}: the version-2 device refused initialization without device feature bits");
        var bytes = new byte[VirtioIsmConfig.Size];
        raw.ReadConfig(bytes);
        VirtioIsmConfig.TryRead(bytes, out var config);
        var guest = new Vism2Guest(raw, Host, name, config);
        _guests.Add(guest);
        return guest;
    }

    /// <summary>Resets <paramref name="guest"/> and initializes it again.</summary>
    public Vism2Guest Reinit(Vism2Guest guest)
    {
        guest.Raw.Reset();
        _guests.Remove(guest);
        return Open(guest.Raw, guest.Name);
    }

    public static ulong Length(Vism2Guest g, V1.VirtioIsmShmId id) =>
        g.Raw.SharedMemory.Where(s => s.Id == id).Aggregate(0UL, (sum, s) => sum + s.Length);

    public void Dispose() => Host.Dispose();
}

/// <summary>
/// One version-2 guest as the properties use it: the six controlq commands framed by the generated V2 builders and
/// read by the generated readers (ALLOC and ATTACH replies with their area tails), memory, notify and eventq updates.
/// An OK reply whose area list does not fit the bytes the device wrote is a violation of whatever sent the command.
/// </summary>
internal sealed class Vism2Guest(IVirtioIsmGuest raw, IVirtioIsmHost host, string name, VirtioIsmConfig config) : IVismMachineGuest
{
    /// <summary>Reply room for ALLOC and ATTACH: ack, fixed part and 64 areas (the most chunks a region may have).</summary>
    public const int AreaReplyCapacity = VirtioIsmCtrl.AllocReplyLength + 64 * VirtioIsmArea.Size;

    public IVirtioIsmGuest Raw { get; } = raw;
    public string Name { get; } = name;
    public VirtioIsmConfig Config { get; } = config;
    public ulong Devid => Config.Devid;
    public ulong ChunkSize => Config.ChunkSize == 0 ? 1 : Config.ChunkSize;
    public bool EventVq => true;

    public override string ToString() => Name;

    public byte[] Send(ReadOnlySpan<byte> request, int replyCapacity, string what)
    {
        var reply = Raw.Exchange(request, replyCapacity);
        VismAssert.That(reply.Length > 0, $"{Name}: {what} got no reply (no ack written)");
        return reply;
    }

    /// <summary>ALLOC: the ack, and on OK the token and the areas of the reply tail.</summary>
    public (VirtioIsmAck Ack, ulong Token, VirtioIsmArea[] Areas) AllocRaw(ulong size, int replyCapacity = AreaReplyCapacity)
    {
        var request = new byte[VirtioIsmCtrl.AllocRequestLength];
        VirtioIsmCtrl.TryWriteAlloc(request, new VirtioIsmAllocRequest { SizeField = size }, out _);
        var reply = Send(request, replyCapacity, $"ALLOC({size})");
        bool read = VirtioIsmCtrl.TryReadAllocReply(reply, out var ack, out var value, out var tail);
        if (ack != VirtioIsmCtrl.Ok) return (ack, 0, []);
        VismAssert.That(read && value.Num <= (ulong)(tail.Length / VirtioIsmArea.Size),
            $"{Name}: ALLOC({size}) acked OK with a {reply.Length}-byte reply that does not hold the {value.Num} areas it declares");
        return (ack, value.Token, AreasOf(tail, value.Num));
    }

    public VismRegion? Alloc(ulong size) => AllocRaw(size) is { Ack: VirtioIsmAck.Ok, Areas.Length: > 0 } r ? new VismRegion(r.Token, r.Areas[0].Offset) : null;

    public VismRegion MustAlloc(ulong size)
    {
        var (ack, token, areas) = AllocRaw(size);
        VismAssert.That(ack == VirtioIsmAck.Ok, $"{Name}: ALLOC({size}) acked {Acks.Name(ack)} on a host with room");
        VismAssert.That(areas.Length > 0, $"{Name}: ALLOC({size}) acked OK with an empty area list");
        return new VismRegion(token, areas[0].Offset);
    }

    /// <summary>ATTACH {token, rw_perm, pad}: the ack and, on OK, the areas.</summary>
    public (VirtioIsmAck Ack, VirtioIsmArea[] Areas) AttachRaw(ulong token, uint rwPerm = 0, uint pad = 0, int replyCapacity = AreaReplyCapacity)
    {
        var request = new byte[VirtioIsmCtrl.AttachRequestLength];
        VirtioIsmCtrl.TryWriteAttach(request, new VirtioIsmAttachRequest { Token = token, RwPerm = rwPerm, Pad = pad }, out _);
        var reply = Send(request, replyCapacity, $"ATTACH(0x{token:X}, rw_perm 0x{rwPerm:X})");
        bool read = VirtioIsmCtrl.TryReadAttachReply(reply, out var ack, out var value, out var tail);
        if (ack != VirtioIsmCtrl.Ok) return (ack, []);
        VismAssert.That(read && value.Num <= (ulong)(tail.Length / VirtioIsmArea.Size),
            $"{Name}: ATTACH acked OK with a {reply.Length}-byte reply that does not hold the {value.Num} areas it declares");
        return (ack, AreasOf(tail, value.Num));
    }

    private static VirtioIsmArea[] AreasOf(ReadOnlySpan<byte> tail, ulong num)
    {
        var areas = new VirtioIsmArea[num];
        for (int i = 0; i < areas.Length; i++) areas[i] = VirtioIsmAllocReply.GetArea(tail, i);
        return areas;
    }

    /// <summary>ATTACH asking for no READ/WRITE (only the ATTACH right is needed): the first area's offset, or null.</summary>
    public ulong? Attach(ulong token) => AttachRaw(token) is { Ack: VirtioIsmAck.Ok, Areas.Length: > 0 } r ? r.Areas[0].Offset : null;

    public ulong MustAttach(VismRegion region, string why, uint rwPerm = 0)
    {
        var (ack, areas) = AttachRaw(region.Token, rwPerm);
        VismAssert.That(ack == VirtioIsmAck.Ok && areas.Length > 0, $"{Name}: ATTACH of {region} acked {Acks.Name(ack)} ({why})");
        return areas[0].Offset;
    }

    public VirtioIsmAck DetachAck(ulong token)
    {
        var request = new byte[VirtioIsmCtrl.DetachRequestLength];
        VirtioIsmCtrl.TryWriteDetach(request, new VirtioIsmDetachRequest { Token = token }, out _);
        return Ack(Send(request, VirtioIsmCtrl.DetachReplyLength, $"DETACH(0x{token:X})"));
    }

    public VirtioIsmAck GrantDefault(ulong token, VirtioIsmPerm permissions)
    {
        var request = new byte[VirtioIsmCtrl.GrantSetDefaultRequestLength];
        VirtioIsmCtrl.TryWriteGrantSetDefault(request, new VirtioIsmGrantDefaultRequest { Token = token, Permissions = permissions }, out _);
        return Ack(Send(request, VirtioIsmCtrl.GrantSetDefaultReplyLength, $"GRANT_SET_DEFAULT(0x{token:X}, {permissions})"));
    }

    public VirtioIsmAck GrantFor(ulong token, ulong peerDevid, VirtioIsmPerm permissions)
    {
        var request = new byte[VirtioIsmCtrl.GrantSetForDeviceRequestLength];
        VirtioIsmCtrl.TryWriteGrantSetForDevice(request, new VirtioIsmGrantRequest { Token = token, Permissions = permissions, PeerDevid = peerDevid }, out _);
        return Ack(Send(request, VirtioIsmCtrl.GrantSetForDeviceReplyLength, $"GRANT_SET_FOR_DEVICE(0x{token:X}, {permissions}, {peerDevid})"));
    }

    public VirtioIsmAck EventVector(ulong token, ulong vector)
    {
        var request = new byte[VirtioIsmCtrl.EventVectorRequestLength];
        VirtioIsmCtrl.TryWriteEventVector(request, new VirtioIsmEventVectorRequest { Token = token, Vector = vector }, out _);
        return Ack(Send(request, VirtioIsmCtrl.EventVectorReplyLength, $"EVENT_VECTOR(0x{token:X}, {vector})"));
    }

    private static VirtioIsmAck Ack(byte[] reply) => VirtioIsmCtrl.TryReadAck(reply, out var ack) ? ack : VirtioIsmAck.Err;

    public byte[]? Read(ulong offset, int length)
    {
        var bytes = new byte[length];
        return Raw.TryRead(offset, bytes) ? bytes : null;
    }

    public bool Write(ulong offset, ReadOnlySpan<byte> bytes) => Raw.TryWrite(offset, bytes);

    /// <summary>Marks byte <paramref name="at"/> of the notify address of the chunk at <paramref name="chunkOffset"/> (VISM2-KICK-NOTIFY-ADDR).</summary>
    public void Notify(ulong chunkOffset, ulong at) =>
        Raw.Notify(chunkOffset / ChunkSize * Config.NotifySize + at % Math.Max(1, Config.NotifySize));

    public void Notify(ulong offset) => Notify(offset, 0);

    /// <summary>Eventq messages since the last call, decoded with the generated reader (too short ones fail).</summary>
    public List<VirtioIsmEventUpdate> Events()
    {
        if (host.EventLatency > TimeSpan.Zero) Thread.Sleep(host.EventLatency);
        var updates = new List<VirtioIsmEventUpdate>();
        foreach (var message in Raw.TakeEvents())
        {
            VismAssert.That(VirtioIsmEventUpdate.TryRead(message, out var update), $"{Name}: an eventq message of {message.Length} bytes is no virtio_ism_event_update");
            updates.Add(update);
        }
        return updates;
    }

    /// <summary>Offsets of the UPDATE events since the last call.</summary>
    public List<ulong> EventqUpdates() => Events().Where(e => (e.EvType & VirtioIsmEventType.Update) != 0).Select(e => e.Offset).ToList();

    bool IVismMachineGuest.Detach(VismRegion region) => DetachAck(region.Token) == VirtioIsmAck.Ok;

    // Devid 0 stands for "the default" in the machine: GRANT_SET_DEFAULT; bit 4 is CLEAN_DEFAULT here.
    bool IVismMachineGuest.Grant(VismRegion region, ulong peerDevid, V1.VirtioIsmPerm permissions) =>
        (peerDevid == 0 ? GrantDefault(region.Token, (VirtioIsmPerm)(ulong)permissions) : GrantFor(region.Token, peerDevid, (VirtioIsmPerm)(ulong)permissions)) == VirtioIsmAck.Ok;
}

/// <summary>Names of version-2 acks for messages.</summary>
internal static class Acks
{
    public static string Name(VirtioIsmAck ack) => VirtioIsmAckInfo.SpecNameOf(ack) ?? $"{(byte)ack}";
}
