using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.VirtioIsm.Driver;

/// <summary>
/// Driver side of the controlq (draft "Control virtqueue framing"): each command is a two-buffer chain, the request
/// (device-readable) and the ack + reply (device-writable), in a slot of guest RAM. Any number of callers may
/// submit concurrently; completions arrive from <see cref="DrainUsed"/> on the interrupt thread. Public so tools (the
/// conformance adapter) can send raw bytes through a real virtqueue with <see cref="SubmitAsync"/>.
/// </summary>
public sealed class ControlQueue
{
    /// <summary>Bytes of one request or reply buffer.</summary>
    public const int BufferBytes = 256;

    private readonly object _lock = new();
    private readonly IGuestMemory _memory;
    private readonly VirtqDriver _queue;
    private readonly ulong _slots;
    private readonly TaskCompletionSource<int>?[] _waiting;
    private readonly SemaphoreSlim _room;
    private readonly Stack<int> _freeSlots = new();

    internal ControlQueue(IGuestMemory memory, GuestAllocator allocator, VirtqLayout layout, ulong features, INotifier doorbell)
    {
        _memory = memory;
        _queue = new VirtqDriver(memory, layout, features, doorbell);
        _slots = allocator.Allocate((ulong)layout.QueueSize * 2 * BufferBytes, 16);
        _waiting = new TaskCompletionSource<int>?[layout.QueueSize];
        _room = new SemaphoreSlim(layout.QueueSize / 2);
        for (int i = layout.QueueSize / 2 - 1; i >= 0; i--) _freeSlots.Push(i);
    }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sends <paramref name="request"/> as one device-readable buffer with a <paramref name="replyCapacity"/>-byte
    /// device-writable buffer, and returns the bytes the device wrote there (used length). Times out with
    /// <see cref="TimeoutException"/>.
    /// </summary>
    public async Task<byte[]> SubmitAsync(ReadOnlyMemory<byte> request, int replyCapacity = 64)
    {
        if (request.Length is 0 or > BufferBytes) throw new ArgumentOutOfRangeException(nameof(request));
        if (replyCapacity is < 0 or > BufferBytes) throw new ArgumentOutOfRangeException(nameof(replyCapacity));
        await _room.WaitAsync().ConfigureAwait(false);
        try
        {
            var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            int slot;
            lock (_lock)
            {
                slot = _freeSlots.Pop();
                ulong req = SlotAddress(slot), rep = req + BufferBytes;
                request.Span.CopyTo(_memory.Get(req, (uint)request.Length));
                _memory.Get(rep, BufferBytes).Clear();
                ReadOnlySpan<VirtqBuffer> readable = [new VirtqBuffer(req, (uint)request.Length)];
                ReadOnlySpan<VirtqBuffer> writable = replyCapacity == 0 ? [] : [new VirtqBuffer(rep, (uint)replyCapacity)];
                if (!_queue.TryAdd(readable, writable, out ushort head))
                    throw new InvalidOperationException("controlq has no free descriptors although a slot was free");
                _waiting[head] = done;
                _queue.Kick();
            }
            try
            {
                int length = await done.Task.WaitAsync(Timeout).ConfigureAwait(false);
                lock (_lock) return _memory.Get(SlotAddress(slot) + BufferBytes, (uint)Math.Min(length, BufferBytes)).ToArray();
            }
            finally
            {
                // after a timeout the slot stays out of use: the device may still write into it
                if (done.Task.IsCompleted) lock (_lock) _freeSlots.Push(slot);
            }
        }
        finally
        {
            _room.Release();
        }
    }

    /// <summary>Completes finished commands; true when any completed. Called on the driver's interrupt thread.</summary>
    internal bool DrainUsed()
    {
        bool any = false;
        lock (_lock)
        {
            do
            {
                while (_queue.TryGetUsed(out ushort head, out uint length))
                {
                    any = true;
                    var waiter = _waiting[head];
                    _waiting[head] = null;
                    waiter?.TrySetResult((int)length);
                }
            } while (_queue.EnableInterrupts());
        }
        return any;
    }

    private ulong SlotAddress(int slot) => _slots + (ulong)slot * 2 * BufferBytes;
}
