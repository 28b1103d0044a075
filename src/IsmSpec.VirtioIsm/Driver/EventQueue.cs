using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.VirtioIsm.Driver;

/// <summary>Reads one event message; false when it cannot (counted in <see cref="EventQueue.Malformed"/>).</summary>
internal delegate bool EventMessageParser(ReadOnlySpan<byte> message);

/// <summary>
/// Driver side of the eventq (VIRTIO_ISM_F_EVENT_VQ; draft statement 9, VISM-INIT-DRV-EVENTQ): every entry holds a
/// device-writable buffer for one event message (version 1: <c>virtio_ism_event { num; offset[num] }</c>, version 2:
/// <c>virtio_ism_event_update</c>); used buffers go to the driver's parser and are put back at once. Runs on the
/// driver's interrupt thread only.
/// </summary>
internal sealed class EventQueue
{
    private readonly IGuestMemory _memory;
    private readonly VirtqDriver _queue;
    private readonly ulong _buffers;
    private readonly uint _bufferBytes;
    private readonly int[] _bufferOfHead;
    private readonly Stack<int> _freeBuffers = new();

    public EventQueue(IGuestMemory memory, GuestAllocator allocator, VirtqLayout layout, ulong features, INotifier doorbell, uint bufferBytes)
    {
        _memory = memory;
        _queue = new VirtqDriver(memory, layout, features, doorbell);
        _bufferBytes = bufferBytes;
        _buffers = allocator.Allocate((ulong)layout.QueueSize * _bufferBytes, 8);
        _bufferOfHead = new int[layout.QueueSize];
        for (int i = layout.QueueSize - 1; i >= 0; i--) _freeBuffers.Push(i);
    }

    /// <summary>Messages that did not parse (a device bug), for diagnostics.</summary>
    public long Malformed { get; private set; }

    /// <summary>Fills the ring with empty buffers (before DRIVER_OK).</summary>
    public void Prime()
    {
        for (int i = 0; i < _queue.Layout.QueueSize; i++) Post();
    }

    /// <summary>Passes every used buffer to <paramref name="parse"/>; re-posts the buffers and kicks when any came back.</summary>
    public bool Drain(EventMessageParser parse)
    {
        bool any = false;
        do
        {
            while (_queue.TryGetUsed(out ushort head, out uint length))
            {
                any = true;
                int buffer = _bufferOfHead[head];
                _freeBuffers.Push(buffer);
                var message = _memory.Get(BufferAddress(buffer), Math.Min(length, _bufferBytes));
                if (length != 0 && !parse(message)) Malformed++;
                Post();
            }
        } while (_queue.EnableInterrupts());
        if (any) _queue.Kick();
        return any;
    }

    private void Post()
    {
        if (_freeBuffers.Count == 0) return;
        int buffer = _freeBuffers.Pop();
        if (!_queue.TryAdd([], [new VirtqBuffer(BufferAddress(buffer), _bufferBytes)], out ushort head)) { _freeBuffers.Push(buffer); return; }
        _bufferOfHead[head] = buffer;
    }

    private ulong BufferAddress(int buffer) => _buffers + (ulong)buffer * _bufferBytes;
}
