using IsmSpec.Specs.VirtioIsm;
using IsmSpec.Virtio.Virtqueue;
using V2 = IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.VirtioIsm.Device;

/// <summary>
/// Per-device delivery of region update events (draft "Events"; statements 3 and 27). An update for a region with a
/// bound vector fires that vector (VIRTIO_ISM_F_EVENT_IRQ); otherwise it is queued for the eventq
/// (VIRTIO_ISM_F_EVENT_VQ) as a pending bit and later sent as <c>virtio_ism_event { num; offset[num] }</c>. Pending
/// updates of one region coalesce until delivered (VISM-DEC-UPDATE-COALESCE; VISM-DEC-EVENT-ROUTE). Enqueue is
/// thread-safe (other devices call it); Deliver runs on the owning device's service thread. Nothing allocates.
/// A version-2 device sends one <c>virtio_ism_event_update { UPDATE, offset, devid }</c> per eventq buffer instead,
/// devid being the device whose driver wrote the notify address (VISM2-DEC-EVENTQ).
/// </summary>
internal sealed class UpdateRouter
{
    private readonly object _lock = new();
    private readonly bool[] _pending;
    private readonly int[] _vector;
    private readonly byte[] _message;
    private readonly ulong[] _writer;
    private readonly ulong _regionSize;
    private readonly bool _chunkArea;
    private int _pendingCount;

    public UpdateRouter(int regionCount, ulong regionSize, bool chunkArea = false)
    {
        _pending = new bool[regionCount];
        _vector = new int[regionCount];
        _writer = new ulong[regionCount];
        _message = new byte[Math.Max(VirtioIsmEvent.Size + regionCount * VirtioIsmEvent.OffsetElementSize, V2.VirtioIsmEventUpdate.Size)];
        _regionSize = regionSize;
        _chunkArea = chunkArea;
        Array.Fill(_vector, -1);
    }

    public bool EventVq { get; set; }
    public bool EventIrq { get; set; }

    public void BindVector(int slot, int vector) { lock (_lock) _vector[slot] = vector; }

    public void UnbindVector(int slot) { lock (_lock) _vector[slot] = -1; }

    public int VectorOf(int slot) { lock (_lock) return _vector[slot]; }

    /// <summary>Records an update for <paramref name="slot"/>; returns the vector to fire, or -1.</summary>
    public int Enqueue(int slot, ulong fromDevid)
    {
        lock (_lock)
        {
            _writer[slot] = fromDevid;
            if (EventIrq && _vector[slot] >= 0) return _vector[slot];
            if (EventVq && !_pending[slot])
            {
                _pending[slot] = true;
                _pendingCount++;
            }
            return -1;
        }
    }

    public bool HasPending { get { lock (_lock) return _pendingCount > 0; } }

    /// <summary>Fills eventq buffers with the pending offsets; a buffer too short for one offset is returned empty.</summary>
    public void Deliver(VirtqDevice eventq)
    {
        if (_chunkArea) { DeliverUpdates(eventq); return; }
        while (HasPending && eventq.TryPop(out var chain))
        {
            ulong room = chain.WritableBytes < VirtioIsmEvent.Size ? 0 : (chain.WritableBytes - VirtioIsmEvent.Size) / VirtioIsmEvent.OffsetElementSize;
            int num = 0;
            lock (_lock)
            {
                var tail = _message.AsSpan(VirtioIsmEvent.Size);
                for (int slot = 0; slot < _pending.Length && (ulong)num < room; slot++)
                {
                    if (!_pending[slot]) continue;
                    _pending[slot] = false;
                    _pendingCount--;
                    VirtioIsmEvent.SetOffset(tail, num++, (ulong)slot * _regionSize);
                }
            }
            if (num == 0) { eventq.Complete(chain.Head, 0); continue; }
            new VirtioIsmEvent { Num = (ulong)num }.TryWrite(_message);
            int written = eventq.WriteTo(in chain, _message.AsSpan(0, VirtioIsmEvent.Size + num * VirtioIsmEvent.OffsetElementSize));
            eventq.Complete(chain.Head, (uint)written);
        }
    }

    // Version 2: one virtio_ism_event_update per buffer; a buffer shorter than the struct is returned empty.
    private void DeliverUpdates(VirtqDevice eventq)
    {
        while (HasPending && eventq.TryPop(out var chain))
        {
            int slot = -1;
            ulong writer = 0;
            if (chain.WritableBytes >= V2.VirtioIsmEventUpdate.Size)
                lock (_lock)
                    for (int s = 0; s < _pending.Length && slot < 0; s++)
                    {
                        if (!_pending[s]) continue;
                        _pending[s] = false;
                        _pendingCount--;
                        slot = s;
                        writer = _writer[s];
                    }
            if (slot < 0) { eventq.Complete(chain.Head, 0); continue; }
            var update = new V2.VirtioIsmEventUpdate { EvType = V2.VirtioIsmEventType.Update, Offset = (ulong)slot * _regionSize, Devid = writer };
            update.TryWrite(_message);
            int written = eventq.WriteTo(in chain, _message.AsSpan(0, V2.VirtioIsmEventUpdate.Size));
            eventq.Complete(chain.Head, (uint)written);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            Array.Clear(_pending);
            Array.Fill(_vector, -1);
            _pendingCount = 0;
        }
    }
}
