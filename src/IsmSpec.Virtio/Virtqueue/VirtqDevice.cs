using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;

namespace IsmSpec.Virtio.Virtqueue;

/// <summary>
/// The device half of one split virtqueue (virtio 1.x §2.7.6 The Virtqueue Available Ring, §2.7.8 The Virtqueue Used
/// Ring). It never trusts the driver: every read and write goes through <see cref="IGuestMemory.TryGetSpan"/>, every
/// value read from the rings is copied once and then validated, and the first violation puts the queue into a
/// <see cref="Fault"/> and the device into DEVICE_NEEDS_RESET (virtio 1.x §2.1.2). A faulted queue does nothing more.
/// Single-threaded; the steady-state path allocates nothing.
/// </summary>
public sealed class VirtqDevice
{
    private readonly IGuestMemory _memory;
    private readonly INotifier _interrupt;
    private readonly VirtioDeviceState? _state;
    private readonly bool _indirectAllowed;
    private readonly VirtqBuffer[] _segments;
    private readonly bool[] _inFlight;
    private ushort _lastAvailIdx;
    private ushort _usedIdx;
    private ushort _signalledUsedIdx;
    private long _sequence;

    /// <summary>Default limit on the buffers of one chain: the queue size, and at least this many for indirect tables.</summary>
    public const int DefaultMaxIndirectEntries = 128;

    public VirtqDevice(IGuestMemory memory, VirtqLayout layout, ulong negotiatedFeatures, INotifier interrupt, VirtioDeviceState? state = null)
        : this(memory, layout, negotiatedFeatures, interrupt, state, 0) { }

    /// <summary>A device half whose ring indices start at <paramref name="startIdx"/> (the driver must use the same), e.g. vhost-user SET_VRING_BASE.</summary>
    public static VirtqDevice StartingAt(IGuestMemory memory, VirtqLayout layout, ulong negotiatedFeatures, INotifier interrupt, VirtioDeviceState? state, ushort startIdx) =>
        new(memory, layout, negotiatedFeatures, interrupt, state, startIdx);

    /// <summary>Test hook: starts both ring indices at <paramref name="startIdx"/> (the driver must use the same).</summary>
    internal VirtqDevice(IGuestMemory memory, VirtqLayout layout, ulong negotiatedFeatures, INotifier interrupt, VirtioDeviceState? state, ushort startIdx)
    {
        _memory = memory;
        _interrupt = interrupt;
        _state = state;
        Layout = layout;
        EventIdx = (negotiatedFeatures & VirtioSpec.VirtioFEventIdx) != 0;
        _indirectAllowed = (negotiatedFeatures & VirtioSpec.VirtioFIndirectDesc) != 0;
        int n = VirtqLayout.IsValidQueueSize(layout.QueueSize) ? layout.QueueSize : 1;
        // A direct chain holds at most queue-size descriptors (VIRTQ-CHAIN-LIMITS); an indirect table's limit is the
        // device's to set (virtio 1.x §2.7.5.3.1), here DefaultMaxIndirectEntries. Longer chains fault as ChainTooLong.
        _segments = new VirtqBuffer[Math.Max(n, _indirectAllowed ? DefaultMaxIndirectEntries : 0)];
        _inFlight = new bool[n];
        _lastAvailIdx = _usedIdx = _signalledUsedIdx = startIdx;
        if (!layout.IsWellFormed || !layout.FitsIn(memory)) { Fail(VirtqFault.RingOutOfBounds); return; }
        // The device owns the used ring (§2.7.8): flags 0 (notifications wanted), idx at its start value.
        if (!TryView(layout.UsedRing, VirtqUsed.Size, out Span<byte> used)) return;
        VirtqUsed.View(used).Flags = 0;
        VirtqUsed.View(used).Idx = startIdx;
        WriteAvailEvent();
    }

    public VirtqLayout Layout { get; }
    public bool EventIdx { get; }
    public VirtqFault Fault { get; private set; }
    /// <summary>Chains popped and not yet completed.</summary>
    public int InFlight { get; private set; }
    public ushort UsedIdx => _usedIdx;

    /// <summary>Segments of the chain returned by the last <see cref="TryPop"/>: readable first. Valid until the next TryPop.</summary>
    public ReadOnlySpan<VirtqBuffer> Segments => _segments.AsSpan(0, _segmentCount);
    private int _segmentCount;

    /// <summary>
    /// Takes the next available chain and validates all of it (virtio 1.x §2.7.6, §2.7.5 descriptor rules).
    /// False when the ring is empty or the queue is (now) faulted. With EVENT_IDX, it re-arms avail_event before
    /// reporting an empty ring and re-checks, so a kick is never lost (§2.7.10).
    /// </summary>
    public bool TryPop(out VirtqChain chain)
    {
        chain = default;
        _segmentCount = 0;
        if (Fault != VirtqFault.None) return false;
        if (!TryReadAvailIdx(out ushort availIdx)) return false;
        if (availIdx == _lastAvailIdx)
        {
            if (!WriteAvailEvent()) return false;
            Interlocked.MemoryBarrier();
            if (!TryReadAvailIdx(out availIdx) || availIdx == _lastAvailIdx) return false;
        }
        if ((ushort)(availIdx - _lastAvailIdx) > Layout.QueueSize) return Fail(VirtqFault.AvailIdxOutOfRange);
        Interlocked.MemoryBarrier(); // read barrier: ring entries were written before the idx that published them

        if (!TryView(Layout.AvailElemAddress(Layout.Slot(_lastAvailIdx)), VirtqAvailElem.Size, out Span<byte> slot)) return false;
        ushort head = VirtqAvailElem.ReadOnlyView(slot).Head;
        if (head >= Layout.QueueSize) return Fail(VirtqFault.DescIndexOutOfRange);
        if (_inFlight[head]) return Fail(VirtqFault.HeadAlreadyInFlight);

        var walk = new ChainWalk();
        if (!WalkChain(head, ref walk)) return false;

        _lastAvailIdx++;
        _inFlight[head] = true;
        InFlight++;
        if (EventIdx && !WriteAvailEvent()) return false;
        chain = new VirtqChain(head, walk.Readable, walk.Writable, walk.ReadableBytes, walk.WritableBytes, ++_sequence);
        return true;
    }

    /// <summary>
    /// Returns a chain to the driver with <paramref name="writtenLength"/> bytes written (virtio 1.x §2.7.8: the element
    /// is filled in before used idx publishes it, VIRTQ-USED-LEN-BEFORE-IDX). Throws for a head this device did not pop.
    /// </summary>
    public bool Complete(ushort head, uint writtenLength)
    {
        if (head >= _inFlight.Length || !_inFlight[head]) throw new ArgumentException($"head {head} is not in flight", nameof(head));
        _inFlight[head] = false;
        InFlight--;
        if (Fault != VirtqFault.None) return false;
        if (!TryView(Layout.UsedElemAddress(Layout.Slot(_usedIdx)), VirtqUsedElem.Size, out Span<byte> slot)) return false;
        ref var elem = ref VirtqUsedElem.View(slot);
        elem.Id = head;
        elem.Len = writtenLength;
        Interlocked.MemoryBarrier();
        _usedIdx++;
        if (!TryView(Layout.UsedRing, VirtqUsed.Size, out Span<byte> used)) return false;
        VirtqUsed.View(used).Idx = _usedIdx;
        return true;
    }

    /// <summary>
    /// Interrupts the driver if it asked for it (virtio 1.x §2.7.7 Used Buffer Notification Suppression): with EVENT_IDX
    /// exactly when used idx passed used_event since the last call (VIRTQ-EVENT-IDX-NOTIFY), else unless NO_INTERRUPT.
    /// </summary>
    public bool NotifyIfNeeded()
    {
        if (Fault != VirtqFault.None) return false;
        Interlocked.MemoryBarrier(); // used idx must be visible before we read the driver's suppression state
        ushort newIdx = _usedIdx, oldIdx = _signalledUsedIdx;
        if (newIdx == oldIdx) return false;
        _signalledUsedIdx = newIdx;
        bool need;
        if (EventIdx)
        {
            if (!TryView(Layout.UsedEventAddress, VirtqAvailTrailer.Size, out Span<byte> trailer)) return false;
            need = VirtqEventIdx.NeedEvent(VirtqAvailTrailer.ReadOnlyView(trailer).UsedEvent, newIdx, oldIdx);
        }
        else
        {
            if (!TryView(Layout.AvailRing, VirtqAvail.Size, out Span<byte> avail)) return false;
            need = (VirtqAvail.ReadOnlyView(avail).Flags & VirtqAvailFlags.NoInterrupt) == 0;
        }
        if (need) _interrupt.Notify();
        return need;
    }

    /// <summary>Copies the readable bytes of <paramref name="chain"/> (in order) into <paramref name="destination"/>.</summary>
    public int ReadFrom(in VirtqChain chain, Span<byte> destination) => Copy(in chain, destination, default, toChain: false);

    /// <summary>Copies <paramref name="source"/> into the writable buffers of <paramref name="chain"/>; returns bytes written.
    /// Readable buffers are never written (VIRTQ-DEVICE-NO-WRITE-READABLE).</summary>
    public int WriteTo(in VirtqChain chain, ReadOnlySpan<byte> source) => Copy(in chain, default, source, toChain: true);

    private int Copy(in VirtqChain chain, Span<byte> destination, ReadOnlySpan<byte> source, bool toChain)
    {
        if (chain.Sequence != _sequence || _segmentCount == 0) throw new InvalidOperationException("the chain's segments were replaced by a later TryPop");
        var segments = toChain ? Segments[chain.ReadableCount..] : Segments[..chain.ReadableCount];
        int done = 0, want = toChain ? source.Length : destination.Length;
        foreach (var segment in segments)
        {
            if (done == want) break;
            uint n = (uint)Math.Min(segment.Length, want - done);
            if (!_memory.TryGetSpan(segment.Address, n, out Span<byte> span)) { Fail(VirtqFault.BufferOutOfBounds); break; }
            if (toChain) source.Slice(done, (int)n).CopyTo(span);
            else span.CopyTo(destination.Slice(done, (int)n));
            done += (int)n;
        }
        return done;
    }

    private struct ChainWalk
    {
        public int Readable, Writable;
        public ulong ReadableBytes, WritableBytes;
    }

    // Follows a chain from the descriptor table, descending into at most one indirect table at its end (§2.7.5.3).
    private bool WalkChain(ushort head, ref ChainWalk walk)
    {
        int index = head;
        for (int visited = 0; ; visited++)
        {
            if (visited >= Layout.QueueSize) return Fail(VirtqFault.ChainLoop);
            if (!TryView(Layout.DescAddress(index), VirtqDesc.Size, out Span<byte> raw)) return false;
            VirtqDesc.TryRead(raw, out VirtqDesc desc); // one copy: the driver cannot change it under us
            if (desc.Flags.Indirect) return WalkIndirect(in desc, ref walk);
            if (!AddSegment(in desc, ref walk)) return false;
            if (!desc.Flags.Next) return true;
            index = desc.Next;
            if (index >= Layout.QueueSize) return Fail(VirtqFault.DescIndexOutOfRange);
        }
    }

    private bool WalkIndirect(in VirtqDesc table, ref ChainWalk walk)
    {
        if (!_indirectAllowed) return Fail(VirtqFault.IndirectNotNegotiated);
        if (table.Flags.Next) return Fail(VirtqFault.IndirectWithNext);
        // VIRTQ-INDIRECT-IGNORE-WRITE: the WRITE flag of the table descriptor is disregarded.
        if (table.Len == 0 || table.Len % VirtqDesc.Size != 0) return Fail(VirtqFault.BadIndirectLength);
        uint entries = table.Len / VirtqDesc.Size;
        if (entries > (uint)_segments.Length) return Fail(VirtqFault.ChainTooLong);
        if (!_memory.TryGetSpan(table.Addr, table.Len, out Span<byte> span)) return Fail(VirtqFault.BufferOutOfBounds);
        uint index = 0;
        for (uint visited = 0; ; visited++)
        {
            if (visited >= entries) return Fail(VirtqFault.ChainLoop);
            VirtqDesc.TryRead(span.Slice((int)(index * VirtqDesc.Size), VirtqDesc.Size), out VirtqDesc desc);
            if (desc.Flags.Indirect) return Fail(VirtqFault.NestedIndirect);
            if (!AddSegment(in desc, ref walk)) return false;
            if (!desc.Flags.Next) return true;
            index = desc.Next;
            if (index >= entries) return Fail(VirtqFault.DescIndexOutOfRange);
        }
    }

    private bool AddSegment(in VirtqDesc desc, ref ChainWalk walk)
    {
        if (_segmentCount >= _segments.Length) return Fail(VirtqFault.ChainTooLong);
        if (!_memory.TryGetSpan(desc.Addr, desc.Len, out _)) return Fail(VirtqFault.BufferOutOfBounds);
        if (desc.Flags.Write)
        {
            walk.Writable++;
            walk.WritableBytes += desc.Len;
        }
        else
        {
            if (walk.Writable > 0) return Fail(VirtqFault.ReadableAfterWritable);
            walk.Readable++;
            walk.ReadableBytes += desc.Len;
        }
        if (walk.ReadableBytes + walk.WritableBytes > uint.MaxValue + 1UL) return Fail(VirtqFault.ChainTooLong);
        _segments[_segmentCount++] = new VirtqBuffer(desc.Addr, desc.Len);
        return true;
    }

    private bool TryReadAvailIdx(out ushort idx)
    {
        idx = 0;
        if (!TryView(Layout.AvailRing, VirtqAvail.Size, out Span<byte> avail)) return false;
        idx = VirtqAvail.ReadOnlyView(avail).Idx;
        return true;
    }

    // §2.7.10: with EVENT_IDX, ask to be kicked when the driver makes the entry after the last consumed one available.
    private bool WriteAvailEvent()
    {
        if (!EventIdx) return true;
        if (!TryView(Layout.AvailEventAddress, VirtqUsedTrailer.Size, out Span<byte> trailer)) return false;
        VirtqUsedTrailer.View(trailer).AvailEvent = _lastAvailIdx;
        return true;
    }

    private bool TryView(ulong address, int size, out Span<byte> span) =>
        _memory.TryGetSpan(address, (uint)size, out span) || Fail(VirtqFault.RingOutOfBounds);

    private bool Fail(VirtqFault fault)
    {
        if (Fault == VirtqFault.None)
        {
            Fault = fault;
            _state?.SignalNeedsReset();
        }
        return false;
    }
}
