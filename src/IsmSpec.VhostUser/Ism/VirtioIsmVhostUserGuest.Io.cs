using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.VhostUser.Ism;

/// <summary>Controlq exchanges, REGIONS/NOTIFY access, the eventq and vectors of <see cref="VirtioIsmVhostUserGuest"/>.</summary>
public sealed partial class VirtioIsmVhostUserGuest
{
    /// <summary>One device-readable request buffer and a <paramref name="replyCapacity"/>-byte writable buffer on the controlq; what the device wrote, or empty.</summary>
    public byte[] Exchange(ReadOnlySpan<byte> request, int replyCapacity)
    {
        if (_control is not { } queue || request.Length is 0 or > RequestBytes) return [];
        replyCapacity = Math.Clamp(replyCapacity, 0, ReplyBytes);
        request.CopyTo(_memory.Get(_requestAt, (uint)request.Length));
        _memory.Get(_replyAt, ReplyBytes).Clear();
        ReadOnlySpan<VirtqBuffer> writable = replyCapacity == 0 ? [] : [new VirtqBuffer(_replyAt, (uint)replyCapacity)];
        if (!queue.TryAdd([new VirtqBuffer(_requestAt, (uint)request.Length)], writable, out _)) return [];
        queue.Kick();
        FrontEnd.Barrier();
        _calls[0].TryConsume();
        if (!queue.TryGetUsed(out _, out uint length)) return [];
        return _memory.Get(_replyAt, Math.Min(length, (uint)replyCapacity)).ToArray();
    }

    public bool TryRead(ulong offset, Span<byte> into) => Space.TryRead(VhostUserIsm.RegionsShmid, offset, into);

    public bool TryWrite(ulong offset, ReadOnlySpan<byte> bytes) => Space.TryWrite(VhostUserIsm.RegionsShmid, offset, bytes);

    /// <summary>A non-zero byte at <paramref name="notifyOffset"/> of NOTIFY, then a controlq kick (the device scans NOTIFY on any kick, README decision "notify").</summary>
    public void Notify(ulong notifyOffset)
    {
        Space.TryWrite(VhostUserIsm.NotifyShmid, notifyOffset, [1]);
        _kicks[0].Notify();
        FrontEnd.Barrier();
    }

    /// <summary>The eventq messages completed since the last call (buffers re-posted).</summary>
    public IReadOnlyList<byte[]> TakeEvents()
    {
        if (_events is not { } queue) return [];
        FrontEnd.Barrier();
        _calls[1].TryConsume();
        var messages = new List<byte[]>();
        while (queue.TryGetUsed(out ushort head, out uint length))
        {
            int buffer = _bufferOfHead[head];
            messages.Add(_memory.Get(_eventsAt + (ulong)buffer * _eventBytes, Math.Min(length, _eventBytes)).ToArray());
            PostEventBuffer(buffer);
        }
        queue.Kick();
        return messages;
    }

    /// <summary>How often vector <paramref name="vector"/>'s call descriptor (ring 2 + vector) fired since <see cref="Negotiate"/>.</summary>
    public long VectorFired(int vector)
    {
        if ((uint)vector >= (uint)_vectors.Length) return 0;
        FrontEnd.Barrier();
        return _vectorCounts[vector] += (long)_vectors[vector].TryConsume();
    }

    private void PostEventBuffer(int buffer)
    {
        if (_events!.TryAdd([], [new VirtqBuffer(_eventsAt + (ulong)buffer * _eventBytes, _eventBytes)], out ushort head))
            _bufferOfHead[head] = buffer;
    }

    /// <summary>Closes the connection (the guest vanishes: the back-end unplugs its device) and frees everything.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        FrontEnd.Dispose();
        _channel.Dispose();
        Space.Dispose();
        foreach (var fd in _kicks.Concat(_calls).Concat(_vectors)) fd.Dispose();
        _ram.Dispose();
    }
}
