using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;

namespace IsmSpec.Virtio.Virtqueue;

/// <summary>Guest area for indirect descriptor tables: one table of <paramref name="EntriesPerTable"/> per head index.</summary>
public readonly record struct IndirectTableArea(ulong Address, int EntriesPerTable)
{
    public ulong BytesFor(int queueSize) => (ulong)queueSize * (ulong)EntriesPerTable * VirtqDesc.Size;
    public ulong TableAddress(int head) => Address + (ulong)head * (ulong)EntriesPerTable * VirtqDesc.Size;
}

/// <summary>
/// The driver half of one split virtqueue (virtio 1.x §2.7.13 Supplying Buffers to The Device, §2.7.14 Receiving
/// Used Buffers From The Device). Single-threaded; the steady-state path allocates nothing. The driver trusts its
/// own bookkeeping (free list, chain lengths), never the descriptor table's contents, when it frees a chain.
/// </summary>
public sealed class VirtqDriver
{
    private readonly IGuestMemory _memory;
    private readonly INotifier _kick;
    private readonly IndirectTableArea? _indirect;
    private readonly ushort[] _freeStack;       // free descriptor indices
    private int _numFree;
    private readonly ushort[] _chainNext;       // shadow of desc.next for chains we built
    private readonly ushort[] _chainCount;      // descriptors a head's chain occupies in the ring's table
    private readonly bool[] _inFlight;
    private ushort _availIdx;                   // shadow of avail idx (free-running)
    private ushort _kickedAvailIdx;             // avail idx at the last kick decision
    private ushort _lastUsedIdx;
    private bool _interruptsEnabled = true;

    public VirtqDriver(IGuestMemory memory, VirtqLayout layout, ulong negotiatedFeatures, INotifier kick, IndirectTableArea? indirect = null)
        : this(memory, layout, negotiatedFeatures, kick, indirect, 0) { }

    /// <summary>Test hook: starts both ring indices at <paramref name="startIdx"/> to reach 16-bit wrap-around quickly.</summary>
    internal VirtqDriver(IGuestMemory memory, VirtqLayout layout, ulong negotiatedFeatures, INotifier kick, IndirectTableArea? indirect, ushort startIdx)
    {
        if (!layout.IsWellFormed) throw new ArgumentException("queue size or ring alignment violates virtio 1.x §2.7", nameof(layout));
        if (!layout.FitsIn(memory)) throw new ArgumentException("the virtqueue does not fit in guest memory", nameof(layout));
        _memory = memory;
        _kick = kick;
        Layout = layout;
        EventIdx = (negotiatedFeatures & VirtioSpec.VirtioFEventIdx) != 0;
        if (indirect is { } area && (negotiatedFeatures & VirtioSpec.VirtioFIndirectDesc) != 0)
        {
            if (area.EntriesPerTable < 2 || !memory.TryGetSpan(area.Address, checked((uint)area.BytesFor(layout.QueueSize)), out _))
                throw new ArgumentException("indirect table area is too small or outside guest memory", nameof(indirect));
            _indirect = area;
        }
        int n = layout.QueueSize;
        _freeStack = new ushort[n];
        for (int i = 0; i < n; i++) _freeStack[i] = (ushort)(n - 1 - i);
        _numFree = n;
        _chainNext = new ushort[n];
        _chainCount = new ushort[n];
        _inFlight = new bool[n];
        _availIdx = _kickedAvailIdx = _lastUsedIdx = startIdx;
        // virtio 1.x §2.7.13: the rings start empty; the driver owns avail and initialises its fields.
        ref var avail = ref VirtqAvail.View(_memory.Get(layout.AvailRing, VirtqAvail.Size));
        avail.Flags = 0;
        avail.Idx = startIdx;
        if (EventIdx) VirtqAvailTrailer.View(_memory.Get(layout.UsedEventAddress, VirtqAvailTrailer.Size)).UsedEvent = startIdx;
    }

    public VirtqLayout Layout { get; }
    public bool EventIdx { get; }
    public bool IndirectEnabled => _indirect is not null;
    public int FreeDescriptors => _numFree;
    /// <summary>Chains made available and not yet returned through the used ring.</summary>
    public int InFlight { get; private set; }
    public ushort AvailIdx => _availIdx;

    /// <summary>
    /// Builds a chain of <paramref name="readable"/> then <paramref name="writable"/> buffers and makes it available
    /// (virtio 1.x §2.7.13.1-§2.7.13.3). Uses one indirect table when negotiated and the chain has more than one
    /// buffer (§2.7.5.3). False when there are not enough free descriptors.
    /// </summary>
    public bool TryAdd(ReadOnlySpan<VirtqBuffer> readable, ReadOnlySpan<VirtqBuffer> writable, out ushort head)
    {
        int total = readable.Length + writable.Length;
        if (total == 0) throw new ArgumentException("a chain needs at least one buffer");
        head = 0;
        bool indirect = _indirect is { } area && total > 1 && total <= area.EntriesPerTable;
        int needed = indirect ? 1 : total;
        if (needed > _numFree) return false;

        head = _freeStack[_numFree - 1];
        if (indirect)
        {
            _numFree--;
            ulong table = _indirect!.Value.TableAddress(head);
            for (int i = 0; i < total; i++)
                WriteDesc(table + (ulong)(i * VirtqDesc.Size), Pick(readable, writable, i), i >= readable.Length, i + 1 < total, (ushort)(i + 1), false);
            // §2.7.5.3.1: the INDIRECT descriptor itself carries neither NEXT nor WRITE.
            WriteDesc(Layout.DescAddress(head), new VirtqBuffer(table, (uint)(total * VirtqDesc.Size)), false, false, 0, true);
            _chainCount[head] = 1;
        }
        else
        {
            ushort current = head;
            _numFree--;
            for (int i = 0; i < total; i++)
            {
                bool more = i + 1 < total;
                ushort next = more ? _freeStack[--_numFree] : (ushort)0;
                WriteDesc(Layout.DescAddress(current), Pick(readable, writable, i), i >= readable.Length, more, next, false);
                _chainNext[current] = next;
                current = next;
            }
            _chainCount[head] = (ushort)total;
        }
        _inFlight[head] = true;
        InFlight++;

        // §2.7.13.2 Updating The Available Ring, then a write barrier, then §2.7.13.3 Updating idx.
        VirtqAvailElem.View(_memory.Get(Layout.AvailElemAddress(Layout.Slot(_availIdx)), VirtqAvailElem.Size)).Head = head;
        Interlocked.MemoryBarrier();
        _availIdx++;
        VirtqAvail.View(_memory.Get(Layout.AvailRing, VirtqAvail.Size)).Idx = _availIdx;
        return true;
    }

    /// <summary>
    /// Notifies the device if it asked for it (virtio 1.x §2.7.13.4 Notifying The Device, §2.7.10 Available Buffer
    /// Notification Suppression): with EVENT_IDX when avail idx passed avail_event, otherwise unless NO_NOTIFY is set.
    /// </summary>
    public bool Kick()
    {
        Interlocked.MemoryBarrier(); // the new idx must be visible before we read the device's suppression state
        ushort newIdx = _availIdx, oldIdx = _kickedAvailIdx;
        _kickedAvailIdx = newIdx;
        if (newIdx == oldIdx) return false;
        bool need = EventIdx
            ? VirtqEventIdx.NeedEvent(VirtqUsedTrailer.ReadOnlyView(_memory.Get(Layout.AvailEventAddress, VirtqUsedTrailer.Size)).AvailEvent, newIdx, oldIdx)
            : (VirtqUsed.ReadOnlyView(_memory.Get(Layout.UsedRing, VirtqUsed.Size)).Flags & VirtqUsedFlags.NoNotify) == 0;
        if (need) _kick.Notify();
        return need;
    }

    /// <summary>
    /// Takes the next used element (virtio 1.x §2.7.14 Receiving Used Buffers From The Device) and returns its chain's
    /// descriptors to the free list. Throws <see cref="InvalidDataException"/> when the device returns a head that is
    /// not in flight (a device bug).
    /// </summary>
    public bool TryGetUsed(out ushort head, out uint length)
    {
        head = 0;
        length = 0;
        ushort usedIdx = VirtqUsed.ReadOnlyView(_memory.Get(Layout.UsedRing, VirtqUsed.Size)).Idx;
        if (usedIdx == _lastUsedIdx) return false;
        if ((ushort)(usedIdx - _lastUsedIdx) > Layout.QueueSize)
            throw new InvalidDataException($"used idx {usedIdx} is more than a queue ahead of {_lastUsedIdx}");
        Interlocked.MemoryBarrier(); // read barrier: the element was written before the idx that published it
        var elem = VirtqUsedElem.ReadOnlyView(_memory.Get(Layout.UsedElemAddress(Layout.Slot(_lastUsedIdx)), VirtqUsedElem.Size));
        if (elem.Id >= Layout.QueueSize || !_inFlight[elem.Id])
            throw new InvalidDataException($"device returned head {elem.Id}, which is not in flight");
        head = (ushort)elem.Id;
        length = elem.Len;
        FreeChain(head);
        _lastUsedIdx++;
        if (EventIdx && _interruptsEnabled) WriteUsedEvent(_lastUsedIdx);
        return true;
    }

    /// <summary>Asks the device not to interrupt (§2.7.7: NO_INTERRUPT without EVENT_IDX; with it, used_event is left behind).</summary>
    public void DisableInterrupts()
    {
        _interruptsEnabled = false;
        if (!EventIdx) VirtqAvail.View(_memory.Get(Layout.AvailRing, VirtqAvail.Size)).Flags = VirtqAvailFlags.NoInterrupt;
    }

    /// <summary>Re-enables interrupts; true when used buffers arrived meanwhile (poll again before sleeping).</summary>
    public bool EnableInterrupts()
    {
        _interruptsEnabled = true;
        if (EventIdx) WriteUsedEvent(_lastUsedIdx);
        else VirtqAvail.View(_memory.Get(Layout.AvailRing, VirtqAvail.Size)).Flags = 0;
        Interlocked.MemoryBarrier();
        return VirtqUsed.ReadOnlyView(_memory.Get(Layout.UsedRing, VirtqUsed.Size)).Idx != _lastUsedIdx;
    }

    private void WriteUsedEvent(ushort value)
    {
        VirtqAvailTrailer.View(_memory.Get(Layout.UsedEventAddress, VirtqAvailTrailer.Size)).UsedEvent = value;
        Interlocked.MemoryBarrier();
    }

    private void FreeChain(ushort head)
    {
        _inFlight[head] = false;
        InFlight--;
        ushort current = head;
        for (int i = 0; i < _chainCount[head]; i++)
        {
            _freeStack[_numFree++] = current;
            current = _chainNext[current];
        }
    }

    private void WriteDesc(ulong address, VirtqBuffer buffer, bool write, bool next, ushort nextIndex, bool indirect)
    {
        ref var desc = ref VirtqDesc.View(_memory.Get(address, VirtqDesc.Size));
        desc.Addr = buffer.Address;
        desc.Len = buffer.Length;
        var flags = default(VirtqDescFlags);
        flags.Next = next;
        flags.Write = write;
        flags.Indirect = indirect;
        desc.Flags = flags;
        desc.Next = nextIndex;
    }

    private static VirtqBuffer Pick(ReadOnlySpan<VirtqBuffer> readable, ReadOnlySpan<VirtqBuffer> writable, int i) =>
        i < readable.Length ? readable[i] : writable[i - readable.Length];
}
