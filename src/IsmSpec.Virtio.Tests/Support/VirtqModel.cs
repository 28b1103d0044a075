using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Virtio.Tests.Support;

/// <summary>
/// Reference model of one queue: what the driver posted (in avail order), what the device holds, what it completed
/// (in used order). <see cref="Step"/> decodes one random int into an operation, runs it on the real halves and
/// checks them against the model. Payloads carry a sequence number so misrouted data is caught.
/// </summary>
internal sealed class VirtqModel(VirtqTestBed bed)
{
    private sealed record Request(long Seq, int Slot, int Readable, int Writable, ushort Head);

    private readonly Queue<Request> _avail = new();            // posted, not yet popped, in ring order
    private readonly List<(Request Request, VirtqChain Chain)> _held = new(); // popped, not completed
    private readonly Queue<(Request Request, uint Length)> _used = new(); // completed, not yet collected
    private readonly Stack<int> _freeSlots = new(Enumerable.Range(0, bed.Layout.QueueSize).Reverse());
    private readonly Dictionary<ushort, Request> _byHead = new();
    private long _seq;
    private bool _deviceIdle = true, _driverIdle = true;
    private int _addsSinceDeviceIdle, _completesSinceDriverIdle;

    public long Completed { get; private set; }

    public void Step(int op)
    {
        int arg = op >> 3;
        switch (op & 7)
        {
            case 0: case 1: Add(arg); break;
            case 2: Kick(); break;
            case 3: case 4: Consume(); break;
            case 5: Complete(arg); break;
            case 6: Notify(); break;
            default: GetUsed(); break;
        }
        CheckInvariants();
    }

    public void DrainAll()
    {
        Kick();
        while (_avail.Count > 0) Consume();
        while (_held.Count > 0) Complete(0);
        Notify();
        while (_used.Count > 0) GetUsed();
        Assert.False(bed.Driver.TryGetUsed(out _, out _));
        Assert.Equal(bed.Layout.QueueSize, bed.Driver.FreeDescriptors);
        CheckInvariants();
    }

    private void Add(int arg)
    {
        int readable = arg % 3, writable = (arg / 3) % 3;
        if (readable + writable == 0) readable = 1;
        bool indirect = bed.Driver.IndirectEnabled && readable + writable > 1;
        int needed = indirect ? 1 : readable + writable;
        if (_freeSlots.Count == 0) return;
        int slot = _freeSlots.Peek();
        var rd = new VirtqBuffer[readable];
        var wr = new VirtqBuffer[writable];
        for (int i = 0; i < readable; i++) rd[i] = new VirtqBuffer(bed.SegmentAddress(slot, i), VirtqTestBed.SegmentBytes);
        for (int i = 0; i < writable; i++) wr[i] = new VirtqBuffer(bed.SegmentAddress(slot, readable + i), VirtqTestBed.SegmentBytes);
        if (needed > bed.Driver.FreeDescriptors)
        {
            Assert.False(bed.Driver.TryAdd(rd, wr, out _), "add succeeded without enough free descriptors");
            return;
        }
        _freeSlots.Pop();
        long seq = ++_seq;
        for (int i = 0; i < readable; i++)
        {
            Fill(bed.Bytes(rd[i].Address, VirtqTestBed.SegmentBytes), seq, i);
        }
        for (int i = 0; i < writable; i++)
        {
            bed.Bytes(wr[i].Address, VirtqTestBed.SegmentBytes).Clear();
        }
        Assert.True(bed.Driver.TryAdd(rd, wr, out ushort head));
        Assert.False(_byHead.ContainsKey(head), $"head {head} handed out twice");
        var request = new Request(seq, slot, readable, writable, head);
        _byHead[head] = request;
        _avail.Enqueue(request);
        _addsSinceDeviceIdle++;
    }

    private void Kick()
    {
        bool kicked = bed.Driver.Kick();
        // No lost wake-up: the device said it was idle and something was added since, so the kick must go out.
        if (_deviceIdle && _addsSinceDeviceIdle > 0) Assert.True(kicked, "kick suppressed although the device was idle");
        if (kicked) _deviceIdle = false;
        _addsSinceDeviceIdle = 0;
    }

    private void Consume()
    {
        bool popped = bed.Device.TryPop(out var chain);
        Assert.Equal(VirtqFault.None, bed.Device.Fault);
        if (_avail.Count == 0)
        {
            Assert.False(popped, "device popped from an empty ring");
            _deviceIdle = true;
            _addsSinceDeviceIdle = 0;
            return;
        }
        Assert.True(popped, "device missed an available chain");
        _deviceIdle = false; // it is working now; the no-lost-kick duty starts again when it next finds the ring empty
        var request = _avail.Dequeue();
        Assert.Equal(request.Head, chain.Head);
        Assert.Equal(request.Readable, chain.ReadableCount);
        Assert.Equal(request.Writable, chain.WritableCount);
        var data = new byte[chain.ReadableBytes];
        Assert.Equal(data.Length, bed.Device.ReadFrom(in chain, data));
        for (int i = 0; i < request.Readable; i++) Assert.True(Matches(data.AsSpan(i * VirtqTestBed.SegmentBytes, VirtqTestBed.SegmentBytes), request.Seq, i));
        var reply = new byte[chain.WritableBytes];
        for (int i = 0; i < request.Writable; i++) Fill(reply.AsSpan(i * VirtqTestBed.SegmentBytes, VirtqTestBed.SegmentBytes), -request.Seq, i);
        Assert.Equal(reply.Length, bed.Device.WriteTo(in chain, reply));
        _held.Add((request, chain));
    }

    private void Complete(int arg)
    {
        if (_held.Count == 0) return;
        int pick = arg % _held.Count; // out-of-order completion
        var (request, chain) = _held[pick];
        _held.RemoveAt(pick);
        Assert.True(bed.Device.Complete(chain.Head, (uint)chain.WritableBytes));
        _used.Enqueue((request, (uint)chain.WritableBytes));
        _completesSinceDriverIdle++;
        Completed++;
    }

    private void Notify()
    {
        bool interrupted = bed.Device.NotifyIfNeeded();
        if (_driverIdle && _completesSinceDriverIdle > 0) Assert.True(interrupted, "interrupt suppressed although the driver was idle");
        if (interrupted) _driverIdle = false;
        _completesSinceDriverIdle = 0;
    }

    private void GetUsed()
    {
        bool got = bed.Driver.TryGetUsed(out ushort head, out uint length);
        if (_used.Count == 0)
        {
            Assert.False(got, "driver collected from an empty used ring");
            _driverIdle = true;
            _completesSinceDriverIdle = 0;
            return;
        }
        Assert.True(got, "driver missed a used element");
        _driverIdle = false;
        var (request, expectedLength) = _used.Dequeue();
        Assert.Equal(request.Head, head);
        Assert.Equal(expectedLength, length);
        for (int i = 0; i < request.Writable; i++)
            Assert.True(Matches(bed.Bytes(bed.SegmentAddress(request.Slot, request.Readable + i), VirtqTestBed.SegmentBytes), -request.Seq, i));
        _byHead.Remove(head);
        _freeSlots.Push(request.Slot);
    }

    private void CheckInvariants()
    {
        Assert.Equal(VirtqFault.None, bed.Device.Fault);
        int inFlight = _avail.Count + _held.Count + _used.Count;
        Assert.Equal(inFlight, bed.Driver.InFlight);
        Assert.Equal(_held.Count, bed.Device.InFlight);
        int descriptors = _byHead.Values.Sum(r => bed.Driver.IndirectEnabled && r.Readable + r.Writable > 1 ? 1 : r.Readable + r.Writable);
        Assert.Equal(bed.Layout.QueueSize - descriptors, bed.Driver.FreeDescriptors);
        Assert.Equal(0, bed.Memory.Escapes);
        Assert.True(bed.Memory.GuardsIntact);
    }

    private static void Fill(Span<byte> span, long seq, int segment)
    {
        for (int i = 0; i < span.Length; i++) span[i] = (byte)(seq * 31 + segment * 7 + i);
    }

    private static bool Matches(ReadOnlySpan<byte> span, long seq, int segment)
    {
        for (int i = 0; i < span.Length; i++) if (span[i] != (byte)(seq * 31 + segment * 7 + i)) return false;
        return true;
    }
}
