using System.Buffers.Binary;
using IsmSpec.Conformance.VirtioIsm;
using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.Conformance.Tests.VirtioIsm;

/// <summary>
/// Deliberately broken virtio-ism devices, each violating exactly one requirement. They are decorators around the
/// reference adapter's raw paths (controlq bytes, REGIONS loads, notify, eventq): a <see cref="Wrapped"/> host sees
/// every guest's traffic and a mutant overrides one hook.
/// </summary>
internal static class VirtioIsmMutants
{
    internal sealed class Adapter(string name, Func<IVirtioIsmHost, Wrapped> mutate) : IVirtioIsmDeviceAdapter
    {
        private readonly ReferenceDeviceAdapter _reference = new();
        public string Name => $"mutant {name}";
        public IVirtioIsmHost CreateHost(VirtioIsmHostRequest request) => mutate(_reference.CreateHost(request));
    }

    /// <summary>A host that forwards everything; its guests report their traffic to the hooks below.</summary>
    internal class Wrapped(IVirtioIsmHost inner) : IVirtioIsmHost
    {
        public List<Guest> Guests { get; } = [];
        public int MaxReferencesPerDevice => inner.MaxReferencesPerDevice;
        public int VectorCount => inner.VectorCount;
        public IVirtioIsmGuest AddGuest() { var g = new Guest(this, inner.AddGuest()); Guests.Add(g); return g; }
        public void Dispose() => inner.Dispose();

        public virtual byte[] Exchange(Guest g, byte[] request, int replyCapacity) => g.Inner.Exchange(request, replyCapacity);
        public virtual bool TryRead(Guest g, ulong offset, Span<byte> into) => g.Inner.TryRead(offset, into);
        public virtual void Notify(Guest g, ulong notifyOffset) => g.Inner.Notify(notifyOffset);
        public virtual IReadOnlyList<byte[]> TakeEvents(Guest g) => g.Inner.TakeEvents();
        /// <summary>Called after a command acked OK that gave <paramref name="g"/> (or took from it) the region at <paramref name="offset"/>.</summary>
        public virtual void Changed(Guest g, ulong offset, bool holds) { }
    }

    /// <summary>A guest of a wrapped host: forwards to the reference guest through the host's hooks and tracks what it holds.</summary>
    internal sealed class Guest(Wrapped host, IVirtioIsmGuest inner) : IVirtioIsmGuest
    {
        public IVirtioIsmGuest Inner { get; } = inner;
        public HashSet<ulong> Held { get; } = [];
        public HashSet<ulong> EverHeld { get; } = [];
        public VirtioIsmConfig Config { get { var b = new byte[VirtioIsmConfig.Size]; Inner.ReadConfig(b); VirtioIsmConfig.TryRead(b, out var c); return c; } }

        public ulong OfferedFeatures => Inner.OfferedFeatures;
        public int DeviceId => Inner.DeviceId;
        public bool Negotiate(ulong features) { Held.Clear(); return Inner.Negotiate(features); }
        public void ReadConfig(Span<byte> config) => Inner.ReadConfig(config);
        public IReadOnlyList<(VirtioIsmShmId Id, ulong Length)> SharedMemory => Inner.SharedMemory;
        public bool TryRead(ulong offset, Span<byte> into) => host.TryRead(this, offset, into);
        public bool TryWrite(ulong offset, ReadOnlySpan<byte> bytes) => Inner.TryWrite(offset, bytes);
        public void Notify(ulong notifyOffset) => host.Notify(this, notifyOffset);
        public IReadOnlyList<byte[]> TakeEvents() => host.TakeEvents(this);
        public long VectorCount(int vector) => Inner.VectorCount(vector);
        public void Reset() { Held.Clear(); Inner.Reset(); }
        public void Remove() { Held.Clear(); Inner.Remove(); }

        public byte[] Exchange(ReadOnlySpan<byte> request, int replyCapacity)
        {
            var bytes = request.ToArray();
            var reply = host.Exchange(this, bytes, replyCapacity);
            Track(bytes, reply);
            return reply;
        }

        /// <summary>Follows ALLOC / ATTACH / DETACH that acked OK.</summary>
        public void Track(byte[] request, byte[] reply)
        {
            if (reply.Length == 0 || reply[0] != 0 || request.Length < 2 || request[1] != 0) return;
            ulong? gained = request[0] switch
            {
                VirtioIsmCtrl.AllocClass when reply.Length >= 17 => BinaryPrimitives.ReadUInt64LittleEndian(reply.AsSpan(9)),
                VirtioIsmCtrl.AttachClass when reply.Length >= 9 => BinaryPrimitives.ReadUInt64LittleEndian(reply.AsSpan(1)),
                _ => null,
            };
            if (gained is { } o) { Held.Add(o); EverHeld.Add(o); host.Changed(this, o, true); }
            if (request[0] == VirtioIsmCtrl.DetachClass && request.Length >= 10)
            {
                ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(request.AsSpan(2));
                Held.Remove(offset);
                host.Changed(this, offset, false);
            }
        }
    }

    /// <summary>VISM-ALLOC-ZERO broken: a new region comes with the previous tenant's bytes (0xA5).</summary>
    internal sealed class NotZeroed(IVirtioIsmHost inner) : Wrapped(inner)
    {
        public override byte[] Exchange(Guest g, byte[] request, int replyCapacity)
        {
            var reply = base.Exchange(g, request, replyCapacity);
            if (request[0] == VirtioIsmCtrl.AllocClass && request.Length == VirtioIsmCtrl.AllocRequestLength && reply is [0, ..] && reply.Length >= 17)
            {
                ulong size = Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(request.AsSpan(2)), g.Config.RegionSize);
                g.Inner.TryWrite(BinaryPrimitives.ReadUInt64LittleEndian(reply.AsSpan(9)), Enumerable.Repeat((byte)0xA5, (int)size).ToArray());
            }
            return reply;
        }
    }

    /// <summary>VISM-ALLOC-SIZE-LIMIT broken: ALLOC above region_size is served with a region_size region.</summary>
    internal sealed class OversizeAccepted(IVirtioIsmHost inner) : Wrapped(inner)
    {
        public override byte[] Exchange(Guest g, byte[] request, int replyCapacity)
        {
            if (request[0] == VirtioIsmCtrl.AllocClass && request.Length == VirtioIsmCtrl.AllocRequestLength && BinaryPrimitives.ReadUInt64LittleEndian(request.AsSpan(2)) > g.Config.RegionSize)
                BinaryPrimitives.WriteUInt64LittleEndian(request.AsSpan(2), g.Config.RegionSize);
            return base.Exchange(g, request, replyCapacity);
        }
    }

    /// <summary>VISM-DEC-TOKEN broken: the first region of a host gets token 0 (which then attaches it).</summary>
    internal sealed class TokenZero(IVirtioIsmHost inner) : Wrapped(inner)
    {
        private ulong? _real;

        public override byte[] Exchange(Guest g, byte[] request, int replyCapacity)
        {
            if (request[0] == VirtioIsmCtrl.AttachClass && request.Length == VirtioIsmCtrl.AttachRequestLength && _real is { } real && BinaryPrimitives.ReadUInt64LittleEndian(request.AsSpan(2)) == 0)
                BinaryPrimitives.WriteUInt64LittleEndian(request.AsSpan(2), real);
            var reply = base.Exchange(g, request, replyCapacity);
            if (_real is null && request[0] == VirtioIsmCtrl.AllocClass && reply is [0, ..] && reply.Length >= 17)
            {
                _real = BinaryPrimitives.ReadUInt64LittleEndian(reply.AsSpan(1));
                BinaryPrimitives.WriteUInt64LittleEndian(reply.AsSpan(1), 0);
            }
            return reply;
        }
    }

    /// <summary>VISM-DEC-DENY-OTHER broken: the DENY_OTHER bit of a GRANT is dropped.</summary>
    internal sealed class DenyOtherIgnored(IVirtioIsmHost inner) : Wrapped(inner)
    {
        public override byte[] Exchange(Guest g, byte[] request, int replyCapacity)
        {
            if (request[0] == VirtioIsmCtrl.GrantClass && request.Length == VirtioIsmCtrl.GrantRequestLength)
                request[18] &= unchecked((byte)~(byte)VirtioIsmPerm.DenyOther);
            return base.Exchange(g, request, replyCapacity);
        }
    }

    /// <summary>VISM-DETACH-LAST-REFERENCE broken: when one referrer detaches, the memory is gone for the other as well.</summary>
    internal sealed class ReleasedWhileReferenced(IVirtioIsmHost inner) : Wrapped(inner)
    {
        private readonly HashSet<ulong> _released = [];

        public override void Changed(Guest g, ulong offset, bool holds) { if (holds) _released.Remove(offset); else _released.Add(offset); }

        public override bool TryRead(Guest g, ulong offset, Span<byte> into) =>
            !_released.Contains(offset - offset % g.Config.RegionSize) && base.TryRead(g, offset, into);
    }

    /// <summary>VISM-DEC-ACK-VALUES broken: unknown classes and commands are acked OK.</summary>
    internal sealed class UnknownCommandOk(IVirtioIsmHost inner) : Wrapped(inner)
    {
        public override byte[] Exchange(Guest g, byte[] request, int replyCapacity) =>
            request.Length >= 2 && (request[0] > VirtioIsmCtrl.EventVectorClass || request[1] != 0) ? [0] : base.Exchange(g, request, replyCapacity);
    }

    /// <summary>VISM-DEC-DETACH-OWN broken: a DETACH from a guest that never held the region detaches the holder's reference.</summary>
    internal sealed class DetachOthers(IVirtioIsmHost inner) : Wrapped(inner)
    {
        public override byte[] Exchange(Guest g, byte[] request, int replyCapacity)
        {
            var reply = base.Exchange(g, request, replyCapacity);
            if (request[0] != VirtioIsmCtrl.DetachClass || request.Length != VirtioIsmCtrl.DetachRequestLength || reply is not [1]) return reply;
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(request.AsSpan(2));
            if (g.EverHeld.Contains(offset) || Guests.FirstOrDefault(h => h != g && h.Held.Contains(offset)) is not { } holder) return reply;
            var theirs = holder.Inner.Exchange(request, replyCapacity);
            holder.Track(request, theirs);
            return theirs;
        }
    }

    /// <summary>VISM-DEC-ATTACH-TWICE broken: attaching a region the guest already holds acks OK with its offset.</summary>
    internal sealed class AttachTwiceOk(IVirtioIsmHost inner) : Wrapped(inner)
    {
        private readonly Dictionary<ulong, ulong> _tokenAt = [];

        public override byte[] Exchange(Guest g, byte[] request, int replyCapacity)
        {
            var reply = base.Exchange(g, request, replyCapacity);
            if (request[0] == VirtioIsmCtrl.AllocClass && reply is [0, ..] && reply.Length >= 17)
                _tokenAt[BinaryPrimitives.ReadUInt64LittleEndian(reply.AsSpan(9))] = BinaryPrimitives.ReadUInt64LittleEndian(reply.AsSpan(1));
            ulong token = request.Length == VirtioIsmCtrl.AttachRequestLength ? BinaryPrimitives.ReadUInt64LittleEndian(request.AsSpan(2)) : 0;
            if (request[0] == VirtioIsmCtrl.AttachClass && reply is [1]
                && _tokenAt.FirstOrDefault(t => t.Value == token && g.Held.Contains(t.Key)) is { Value: not 0 } live && live.Value == token)
            {
                var ok = new byte[VirtioIsmCtrl.AttachReplyLength];
                BinaryPrimitives.WriteUInt64LittleEndian(ok.AsSpan(1), live.Key);
                return ok;
            }
            return reply;
        }
    }

    /// <summary>VISM-DEC-UPDATE broken: the writer is told of its own notify as well.</summary>
    internal sealed class EchoToWriter(IVirtioIsmHost inner) : Wrapped(inner)
    {
        private readonly Dictionary<Guest, List<byte[]>> _echo = [];

        public override void Notify(Guest g, ulong notifyOffset)
        {
            base.Notify(g, notifyOffset);
            var config = g.Config;
            var message = new byte[16];
            BinaryPrimitives.WriteUInt64LittleEndian(message, 1);
            BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(8), notifyOffset / config.NotifySize * config.RegionSize);
            (_echo.TryGetValue(g, out var list) ? list : _echo[g] = []).Add(message);
        }

        public override IReadOnlyList<byte[]> TakeEvents(Guest g)
        {
            var events = base.TakeEvents(g).ToList();
            if (_echo.Remove(g, out var echoed)) events.AddRange(echoed);
            return events;
        }
    }
}
