using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>A region as ALLOC reported it.</summary>
internal readonly record struct VismRegion(ulong Token, ulong Offset)
{
    public override string ToString() => $"0x{Offset:X}/tok 0x{Token:X}";
}

/// <summary>
/// One negotiated guest as the properties use it: the five controlq commands framed by the generated builders and
/// read by the generated readers (draft "Control virtqueue framing"), memory, notify and update observation. A reply
/// that is missing or too short for an OK ack is a violation of whatever property sent the command.
/// </summary>
internal sealed class VismGuest(IVirtioIsmGuest raw, IVirtioIsmHost host, string name, ulong features, VirtioIsmConfig config) : IVismMachineGuest
{
    public IVirtioIsmGuest Raw { get; } = raw;
    public string Name { get; } = name;
    public ulong Features { get; } = features;
    public VirtioIsmConfig Config { get; } = config;
    public ulong Devid => Config.Devid;
    public ulong RegionSize => Config.RegionSize == 0 ? 1 : Config.RegionSize;
    public bool EventVq => (Features & VirtioIsmSpec.VirtioIsmFEventVq) != 0;
    public bool EventIrq => (Features & VirtioIsmSpec.VirtioIsmFEventIrq) != 0;

    public override string ToString() => Name;

    /// <summary>Sends raw bytes; fails the property when the device completes the request without writing an ack.</summary>
    public byte[] Send(ReadOnlySpan<byte> request, int replyCapacity, string what)
    {
        var reply = Raw.Exchange(request, replyCapacity);
        VismAssert.That(reply.Length > 0, $"{Name}: {what} got no reply (no ack written)");
        return reply;
    }

    /// <summary>ALLOC (draft statement 12): the region, or null when the device acked ERR.</summary>
    public VismRegion? Alloc(ulong size)
    {
        var request = new byte[VirtioIsmCtrl.AllocRequestLength];
        VirtioIsmCtrl.TryWriteAlloc(request, new VirtioIsmAllocRequest { SizeField = size }, out _);
        var reply = Send(request, VirtioIsmCtrl.AllocReplyLength, $"ALLOC({size})");
        VismAssert.That(VirtioIsmCtrl.TryReadAllocReply(reply, out var ack, out var value), $"{Name}: ALLOC({size}) acked OK with a {reply.Length}-byte reply");
        return ack == VirtioIsmCtrl.Ok ? new VismRegion(value.Token, value.Offset) : null;
    }

    public VismRegion MustAlloc(ulong size) => Alloc(size) ?? throw new ConformanceViolation($"{Name}: ALLOC({size}) acked ERR on a host with room");

    /// <summary>ATTACH by token: the offset, or null on ERR.</summary>
    public ulong? Attach(ulong token)
    {
        var request = new byte[VirtioIsmCtrl.AttachRequestLength];
        VirtioIsmCtrl.TryWriteAttach(request, new VirtioIsmAttachRequest { Token = token }, out _);
        var reply = Send(request, VirtioIsmCtrl.AttachReplyLength, $"ATTACH(0x{token:X})");
        VismAssert.That(VirtioIsmCtrl.TryReadAttachReply(reply, out var ack, out var value), $"{Name}: ATTACH acked OK with a {reply.Length}-byte reply");
        return ack == VirtioIsmCtrl.Ok ? value.Offset : null;
    }

    public ulong MustAttach(VismRegion region, string why) =>
        Attach(region.Token) ?? throw new ConformanceViolation($"{Name}: ATTACH of {region} acked ERR ({why})");

    public bool Detach(ulong offset)
    {
        var request = new byte[VirtioIsmCtrl.DetachRequestLength];
        VirtioIsmCtrl.TryWriteDetach(request, new VirtioIsmDetachRequest { Offset = offset }, out _);
        return Ok(Send(request, VirtioIsmCtrl.DetachReplyLength, $"DETACH(0x{offset:X})"));
    }

    public bool Grant(ulong offset, ulong peerDevid, VirtioIsmPerm permissions)
    {
        var request = new byte[VirtioIsmCtrl.GrantRequestLength];
        VirtioIsmCtrl.TryWriteGrant(request, new VirtioIsmGrantRequest { Offset = offset, PeerDevid = peerDevid, Permissions = permissions }, out _);
        return Ok(Send(request, VirtioIsmCtrl.GrantReplyLength, $"GRANT(0x{offset:X}, {peerDevid}, {permissions})"));
    }

    public bool EventVector(ulong offset, ulong vector)
    {
        var request = new byte[VirtioIsmCtrl.EventVectorRequestLength];
        VirtioIsmCtrl.TryWriteEventVector(request, new VirtioIsmEventVectorRequest { Offset = offset, Vector = vector }, out _);
        return Ok(Send(request, VirtioIsmCtrl.EventVectorReplyLength, $"EVENT_VECTOR(0x{offset:X}, {vector})"));
    }

    bool IVismMachineGuest.Detach(VismRegion region) => Detach(region.Offset);
    bool IVismMachineGuest.Grant(VismRegion region, ulong peerDevid, VirtioIsmPerm permissions) => Grant(region.Offset, peerDevid, permissions);
    void IVismMachineGuest.Notify(ulong offset) => Notify(offset);

    private static bool Ok(byte[] reply) => VirtioIsmCtrl.TryReadAck(reply, out var ack) && ack == VirtioIsmCtrl.Ok;

    public byte[]? Read(ulong offset, int length)
    {
        var bytes = new byte[length];
        return Raw.TryRead(offset, bytes) ? bytes : null;
    }

    public bool Write(ulong offset, ReadOnlySpan<byte> bytes) => Raw.TryWrite(offset, bytes);

    /// <summary>Kicks the region at <paramref name="offset"/> through byte <paramref name="at"/> of its notify address (statement 7).</summary>
    public void Notify(ulong offset, ulong at = 0) =>
        Raw.Notify(offset / RegionSize * Config.NotifySize + at % Math.Max(1, Config.NotifySize));

    /// <summary>Offsets reported on the eventq since the last call, each as often as reported (a malformed message fails).</summary>
    public List<ulong> EventqUpdates()
    {
        if (host.EventLatency > TimeSpan.Zero) Thread.Sleep(host.EventLatency);
        var offsets = new List<ulong>();
        foreach (var message in Raw.TakeEvents())
        {
            VismAssert.That(VirtioIsmEvent.TryReadMessage(message, out var header, out var tail),
                $"{Name}: eventq message of {message.Length} bytes does not hold the {(message.Length >= 8 ? BitConverter.ToUInt64(message) : 0)} offsets it declares");
            for (int i = 0; i < (int)header.OffsetCount; i++) offsets.Add(VirtioIsmEvent.GetOffset(tail, i));
        }
        return offsets;
    }
}

/// <summary>Assertions of the virtio-ism properties: a violated rule throws <see cref="ConformanceViolation"/>.</summary>
internal static class VismAssert
{
    public static void That(bool condition, string message)
    {
        if (!condition) throw new ConformanceViolation(message);
    }

    public static void Equal<T>(T expected, T actual, string what) =>
        That(EqualityComparer<T>.Default.Equals(expected, actual), $"{what}: expected {expected}, got {actual}");
}
