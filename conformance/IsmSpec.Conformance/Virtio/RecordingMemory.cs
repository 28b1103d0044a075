using IsmSpec.Virtio.Memory;

namespace IsmSpec.Conformance.Virtio;

/// <summary>Who wrote a byte of guest memory: the implementation under test or the suite playing the other side.</summary>
public enum MemoryActor { Suite, Device, Driver }

/// <summary>One run of bytes an actor changed between two of its memory accesses.</summary>
public readonly record struct MemoryWrite(MemoryActor Actor, long Batch, ulong Address, int Length)
{
    public bool Overlaps(ulong address, ulong length) => Address < address + length && address < Address + (ulong)Length;
}

/// <summary>
/// Guest memory owned by the suite that records who wrote what, and in which order (virtio 1.x §2.7: the device must
/// not write device-readable buffers or the descriptor table, §2.7.8 used len before used idx). Spans point straight
/// into one array; writes through a span cannot be intercepted, so every <see cref="IGuestMemory.TryGetSpan"/> of any
/// view — and every <see cref="Sync"/> — compares the array with a snapshot and attributes the changed bytes to the
/// actor that made the previous access. A "batch" is everything one actor wrote between two accesses: two writes
/// made through one span in one batch cannot be ordered, writes made through separate accesses can.
/// </summary>
public sealed class RecordingMemory
{
    private readonly byte[] _bytes;
    private readonly byte[] _snapshot;
    private readonly List<(ulong Address, Action<MemoryActor, ushort, ushort> Changed)> _watches = [];
    private MemoryActor _current = MemoryActor.Suite;
    private long _batch;

    public RecordingMemory(int length, ulong baseAddress = 0x10_0000)
    {
        _bytes = new byte[length];
        _snapshot = new byte[length];
        BaseAddress = baseAddress;
        Suite = new View(this, MemoryActor.Suite);
        Device = new View(this, MemoryActor.Device);
        Driver = new View(this, MemoryActor.Driver);
    }

    public ulong BaseAddress { get; }
    public ulong Length => (ulong)_bytes.Length;
    public ulong End => BaseAddress + Length;

    /// <summary>The suite's own accesses (as the driver for a device under test, as the device for a driver).</summary>
    public IGuestMemory Suite { get; }
    /// <summary>Handed to a device under test.</summary>
    public IGuestMemory Device { get; }
    /// <summary>Handed to a driver under test.</summary>
    public IGuestMemory Driver { get; }

    /// <summary>Every write recorded so far, in batch order.</summary>
    public List<MemoryWrite> Writes { get; } = [];

    /// <summary>Watches a 16-bit little-endian field: <paramref name="changed"/> runs (during the sync that sees the
    /// change, before later writes land) with the writer and the old and new value.</summary>
    public void Watch(ulong address, Action<MemoryActor, ushort, ushort> changed) => _watches.Add((address, changed));

    /// <summary>Attributes pending changes to the actor that made the last access; call after each call into an implementation.</summary>
    public void Sync() => SyncAs(_current);

    /// <summary>Writes attributed to <paramref name="actor"/> that touch [address, address + length).</summary>
    public IEnumerable<MemoryWrite> WritesBy(MemoryActor actor, ulong address, ulong length) =>
        Writes.Where(w => w.Actor == actor && w.Overlaps(address, length));

    public ushort ReadU16(ulong address) => (ushort)(_bytes[Offset(address)] | _bytes[Offset(address) + 1] << 8);

    public ReadOnlySpan<byte> Bytes(ulong address, int length) => _bytes.AsSpan(Offset(address), length);

    /// <summary>Fills [address, address + length) as the suite (e.g. poison before a device completes).</summary>
    public void Fill(ulong address, int length, byte value)
    {
        SyncAs(MemoryActor.Suite);
        _bytes.AsSpan(Offset(address), length).Fill(value);
        Sync();
    }

    private int Offset(ulong address) =>
        GuestMemoryBounds.TryOffset(BaseAddress, Length, address, 0, out ulong o) ? (int)o : throw new ArgumentOutOfRangeException(nameof(address));

    private void SyncAs(MemoryActor next)
    {
        if (!_bytes.AsSpan().SequenceEqual(_snapshot))
        {
            _batch++;
            foreach (var (address, changed) in _watches)
            {
                int o = Offset(address);
                ushort before = (ushort)(_snapshot[o] | _snapshot[o + 1] << 8), now = ReadU16(address);
                if (before != now) changed(_current, before, now);
            }
            Record();
            _bytes.CopyTo(_snapshot, 0);
        }
        _current = next;
    }

    private void Record()
    {
        var now = _bytes.AsSpan();
        var then = _snapshot.AsSpan();
        int i = 0;
        while (i < now.Length)
        {
            int same = now[i..].CommonPrefixLength(then[i..]);
            i += same;
            if (i >= now.Length) break;
            int start = i;
            while (i < now.Length && now[i] != then[i]) i++;
            Writes.Add(new MemoryWrite(_current, _batch, BaseAddress + (ulong)start, i - start));
        }
    }

    private sealed class View(RecordingMemory owner, MemoryActor actor) : IGuestMemory
    {
        public ulong BaseAddress => owner.BaseAddress;
        public ulong Length => owner.Length;

        public bool TryGetSpan(ulong address, uint length, out Span<byte> span)
        {
            owner.SyncAs(actor);
            if (!GuestMemoryBounds.TryOffset(owner.BaseAddress, owner.Length, address, length, out ulong offset))
            {
                span = default;
                return false;
            }
            span = owner._bytes.AsSpan((int)offset, (int)length);
            return true;
        }
    }
}
