using System.Buffers.Binary;
using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Conformance.Virtio;

/// <summary>Ways the suite, as a driver, breaks a chain or the available ring on purpose (virtio 1.x §2.7.5, §2.7.6).</summary>
public enum Corruption
{
    None, ReadableAfterWritable, HeadOutOfRange, NextOutOfRange, Loop, BufferOutOfBounds, AvailIdxJump,
    IndirectWithNext, NestedIndirect, IndirectBadLength,
}

/// <summary>A chain to post: readable buffer lengths, then writable ones; through one indirect table or not; a corruption.</summary>
public sealed record ChainShape(int[] Readable, int[] Writable, bool Indirect, Corruption Corruption = Corruption.None, bool TableWrite = false)
{
    public int Count => Readable.Length + Writable.Length;
    public override string ToString() =>
        $"r[{string.Join(",", Readable)}] w[{string.Join(",", Writable)}]{(Indirect ? " indirect" : "")}{(TableWrite ? "+WRITE" : "")}{(Corruption != Corruption.None ? " " + Corruption : "")}";
}

/// <summary>A chain the suite made available: its head, the readable bytes and the writable buffers.</summary>
internal sealed record Posted(ushort Head, byte[] ReadableBytes, (ulong Address, int Length)[] Writable, ushort[] Descriptors)
{
    public ulong WritableBytes => (ulong)Writable.Sum(w => w.Length);
}

/// <summary>
/// The suite as a driver of a device under test: guest memory it records, the status handshake (virtio 1.x §3.1.1),
/// queue 0 laid out by <see cref="VirtqLayout.Allocate"/>, chains written like a driver would (§2.7.13), a counted
/// interrupt line. Buffers and indirect tables are never reused within one bench, so who wrote them is unambiguous.
/// </summary>
internal sealed class DeviceBench : IDisposable
{
    public const int MaxBuffer = 32, MaxBuffers = 8;
    private readonly Stack<ushort> _freeDescs;
    private readonly Dictionary<ushort, ushort[]> _descsOfHead = [];
    private ulong _bump, _bumpEnd;
    private ushort _availIdx;
    private long _seq;

    public DeviceBench(IVirtioDeviceUnderTest adapter, int queueSize, ushort start, int posts)
    {
        Name = adapter.Name;
        Device = VirtioSuite.Make(adapter.Name, adapter.Create);
        int max = VAssert.Call("MaxQueueSize", () => Device.MaxQueueSize);
        VAssert.That(max >= 1, $"{Name}: the device offers no queue (MaxQueueSize {max})");
        while (queueSize > max) queueSize >>= 1;
        var probe = new VirtqLayout((ushort)queueSize, 0, 0, 0);
        int per = MaxBuffers * (MaxBuffer + VirtqDesc.Size) + 64;
        Memory = new RecordingMemory(probe.DescTableBytes + probe.AvailRingBytes + probe.UsedRingBytes + 64 + posts * per);
        var allocator = new GuestAllocator(Memory.Suite);
        Layout = VirtqLayout.Allocate(allocator, queueSize);
        _bump = allocator.Allocate((ulong)(posts * per), 16);
        _bumpEnd = Memory.End;
        Start = _availIdx = start;
        _freeDescs = new Stack<ushort>(Enumerable.Range(0, queueSize).Select(i => (ushort)(queueSize - 1 - i)));
        Tables.Add((Layout.DescTable, Layout.DescTableBytes));
    }

    public string Name { get; }
    public IVirtioDeviceInstance Device { get; }
    public IVirtioTransport T => Device.Transport;
    public RecordingMemory Memory { get; }
    public VirtqLayout Layout { get; }
    public ushort Start { get; }
    public IVirtqDeviceQueue? Queue { get; private set; }
    public InProcessNotifier Interrupts { get; } = new();
    public ulong Features { get; private set; }
    public int QueueSize => Layout.QueueSize;
    public int FreeDescriptors => _freeDescs.Count;
    /// <summary>Every device-readable buffer posted (VIRTQ-DEVICE-NO-WRITE-READABLE).</summary>
    public List<(ulong Address, int Length)> Readable { get; } = [];
    /// <summary>The descriptor table and every indirect table (VIRTQ-DEVICE-NO-WRITE-DESC-TABLE).</summary>
    public List<(ulong Address, int Length)> Tables { get; } = [];

    public ushort UsedIdx => Memory.ReadU16(Layout.UsedRing + 2);
    public (uint Id, uint Len) UsedElem(ushort idx)
    {
        var b = Memory.Bytes(Layout.UsedElemAddress(Layout.Slot(idx)), VirtqUsedElem.Size);
        return (BinaryPrimitives.ReadUInt32LittleEndian(b), BinaryPrimitives.ReadUInt32LittleEndian(b[4..]));
    }

    /// <summary>§3.1.1: reset, ACKNOWLEDGE, DRIVER, accept <paramref name="accept"/> ∩ offered, FEATURES_OK and re-check,
    /// queue setup, DRIVER_OK. False when the device refused FEATURES_OK.</summary>
    public bool Handshake(ulong accept, bool driverOk = true)
    {
        VAssert.Call("status handshake", () =>
        {
            T.Status = 0;
            T.Status = VirtioDeviceStatus.Acknowledge;
            T.Status = VirtioDeviceStatus.Acknowledge | VirtioDeviceStatus.Driver;
            Features = T.DeviceFeatures & accept;
            T.DriverFeatures = Features;
            T.Status = VirtioDeviceStatus.Acknowledge | VirtioDeviceStatus.Driver | VirtioDeviceStatus.FeaturesOk;
        });
        if ((T.Status & VirtioDeviceStatus.FeaturesOk) == 0) return false;
        Queue = VAssert.Call("OpenQueue", () => Device.OpenQueue(Memory.Device, Layout, Start, Interrupts));
        Memory.Sync();
        if (driverOk) VAssert.Call("DRIVER_OK", () => T.Status = T.Status | VirtioDeviceStatus.DriverOk);
        return true;
    }

    /// <summary>Handshake that must succeed (the properties that need a running queue).</summary>
    public void Run(ulong accept) =>
        VAssert.That(Handshake(accept), $"{Name}: the device refused FEATURES_OK for 0x{accept & T.DeviceFeatures:X} (a subset it offered)");

    public bool Has(ulong feature) => (Features & feature) != 0;

    /// <summary>Whether a chain of this shape fits the free descriptors (one for an indirect chain).</summary>
    public bool Fits(ChainShape s) => (s.Indirect ? 1 : s.Count) <= _freeDescs.Count && s.Count <= MaxBuffers;

    /// <summary>Writes a chain and publishes it on the available ring (§2.7.13.1–3), corrupting it as asked.</summary>
    public Posted Post(ChainShape s)
    {
        long seq = ++_seq;
        var bufs = new (ulong Address, int Length, bool Write)[s.Count];
        for (int i = 0; i < s.Count; i++)
        {
            bool write = i >= s.Readable.Length;
            int len = write ? s.Writable[i - s.Readable.Length] : s.Readable[i];
            bufs[i] = (Bump(len, 1), len, write);
        }
        Apply(s.Corruption, bufs);
        var readable = new List<byte>();
        foreach (var (address, len, write) in bufs)
        {
            if (write || address + (ulong)len > Memory.End) continue;
            var data = Enumerable.Range(0, len).Select(j => (byte)((seq * 37 + readable.Count + j * 11) % 255 + 1)).ToArray();
            data.CopyTo(Memory.Suite.Get(address, (uint)len));
            Readable.Add((address, len));
            readable.AddRange(data);
        }
        ushort[] descs;
        if (s.Indirect)
        {
            ulong table = Bump(s.Count * VirtqDesc.Size, 16);
            Tables.Add((table, s.Count * VirtqDesc.Size));
            for (int i = 0; i < s.Count; i++)
                WriteDesc(table + (ulong)(i * VirtqDesc.Size), bufs[i].Address, (uint)bufs[i].Length, bufs[i].Write, i + 1 < s.Count, (ushort)(i + 1), false);
            descs = [_freeDescs.Pop()];
            uint tableLen = (uint)(s.Count * VirtqDesc.Size) + (s.Corruption == Corruption.IndirectBadLength ? 3u : 0u);
            WriteDesc(Layout.DescAddress(descs[0]), table, tableLen, s.TableWrite, s.Corruption == Corruption.IndirectWithNext, 0, true);
            if (s.Corruption == Corruption.NestedIndirect)
                WriteDesc(table, table, VirtqDesc.Size, false, false, 0, true);
        }
        else
        {
            descs = Enumerable.Range(0, s.Count).Select(_ => _freeDescs.Pop()).ToArray();
            for (int i = 0; i < s.Count; i++)
            {
                bool more = i + 1 < s.Count;
                ushort next = more ? descs[i + 1] : (ushort)0;
                if (!more && s.Corruption == Corruption.Loop) (more, next) = (true, descs[0]);
                if (i == 0 && s.Corruption == Corruption.NextOutOfRange) (more, next) = (true, (ushort)(QueueSize + 3));
                WriteDesc(Layout.DescAddress(descs[i]), bufs[i].Address, (uint)bufs[i].Length, bufs[i].Write, more, next, false);
            }
        }
        _descsOfHead[descs[0]] = descs;
        ushort head = s.Corruption == Corruption.HeadOutOfRange ? (ushort)(QueueSize + 1) : descs[0];
        BinaryPrimitives.WriteUInt16LittleEndian(Memory.Suite.Get(Layout.AvailElemAddress(Layout.Slot(_availIdx)), 2), head);
        _availIdx += s.Corruption == Corruption.AvailIdxJump ? (ushort)(QueueSize + 2) : (ushort)1;
        BinaryPrimitives.WriteUInt16LittleEndian(Memory.Suite.Get(Layout.AvailRing + 2, 2), _availIdx);
        Memory.Sync();
        var writable = bufs.Where(b => b.Write).Select(b => (b.Address, b.Length)).ToArray();
        return new Posted(descs[0], readable.ToArray(), writable, descs);
    }

    /// <summary>The device takes the next chain, writing <paramref name="response"/> into its writable part.</summary>
    public VirtqPopped? Pop(ReadOnlySpan<byte> response)
    {
        var queue = Queue ?? throw new InvalidOperationException("no queue");
        var copy = response.ToArray();
        var popped = VAssert.Call("TryPop", () => queue.TryPop(copy, out var p) ? p : null);
        Memory.Sync();
        return popped;
    }

    /// <summary>The device completes a chain; its descriptors go back to the suite's free list (§2.7.14).</summary>
    public void Complete(ushort head)
    {
        VAssert.Call("Complete", () => Queue!.Complete(head));
        Memory.Sync();
        if (_descsOfHead.Remove(head, out var descs))
            foreach (var d in descs.Reverse()) _freeDescs.Push(d);
    }

    public long Notify()
    {
        long before = Interrupts.Count;
        VAssert.Call("NotifyIfNeeded", () => Queue!.NotifyIfNeeded());
        Memory.Sync();
        return Interrupts.Count - before;
    }

    /// <summary>Sets used_event in the available ring's trailer (the driver's side of §2.7.7 with EVENT_IDX).</summary>
    public void SetUsedEvent(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(Memory.Suite.Get(Layout.UsedEventAddress, 2), value);
        Memory.Sync();
    }

    public static byte[] Response(int length, int salt) => Enumerable.Range(0, length).Select(i => (byte)((salt * 13 + i * 7) % 251 + 3)).ToArray();

    private void Apply(Corruption c, (ulong Address, int Length, bool Write)[] bufs)
    {
        if (c == Corruption.ReadableAfterWritable && bufs.Length >= 2)
        {
            bufs[0].Write = true;
            bufs[^1].Write = false;
        }
        if (c == Corruption.BufferOutOfBounds)
            bufs[^1] = (Memory.End - 4, MaxBuffer, bufs[^1].Write);
    }

    private ulong Bump(int length, ulong align)
    {
        ulong at = (_bump + align - 1) & ~(align - 1);
        if (at + (ulong)length > _bumpEnd) throw new InvalidOperationException("bench memory exhausted: post fewer chains");
        _bump = at + (ulong)length;
        return at;
    }

    private void WriteDesc(ulong address, ulong addr, uint len, bool write, bool next, ushort nextIndex, bool indirect)
    {
        ref var d = ref VirtqDesc.View(Memory.Suite.Get(address, VirtqDesc.Size));
        d.Addr = addr;
        d.Len = len;
        var f = default(VirtqDescFlags);
        f.Next = next;
        f.Write = write;
        f.Indirect = indirect;
        d.Flags = f;
        d.Next = nextIndex;
    }

    public void Dispose() => Device.Dispose();
}
