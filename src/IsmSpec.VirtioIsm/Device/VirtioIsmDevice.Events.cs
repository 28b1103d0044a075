namespace IsmSpec.VirtioIsm.Device;

/// <summary>Notify area, update events, reset and unplug of <see cref="VirtioIsmDevice"/>.</summary>
public sealed partial class VirtioIsmDevice
{
    /// <summary>
    /// Draft "Device initialization" (statement 7) and "Events" (statement 3): a driver stores a non-zero byte at a
    /// region's notify address and rings the doorbell; the device takes (and clears) every such mark and routes an update
    /// to the region's other referrer. Marks on regions this device does not reference are cleared and ignored.
    /// Version 1 has one notify address per region; version 2 one per chunk (NOTIFY + (offset >> log2(chunk_size)) *
    /// notify_size), and a mark at any chunk of a region updates that region (VISM2-DEC-NOTIFY-CHUNKS).
    /// </summary>
    private void ScanNotifyArea()
    {
        var area = NotifyArea.Span;
        int notifySize = (int)_host.Options.NotifySize;
        for (int unit = 0; (unit + 1) * notifySize <= area.Length; unit++)
        {
            bool marked = false;
            for (int i = unit * notifySize; i < (unit + 1) * notifySize; i++)
                if (area[i] != 0 && Interlocked.Exchange(ref area[i], 0) != 0) marked = true;
            if (marked) _host.RouteUpdate(Devid, unit / _notifyUnitsPerSlot);
        }
    }

    /// <summary>
    /// Whether another device's thread may fill this device's eventq directly (see <see cref="TryDeliverEventsInline"/>).
    /// On by default; a transport that alone decides when the device may touch its rings (the vhost-user back-end,
    /// which must not write them while stopped) turns it off, and every eventq write then happens in <see cref="Poll"/>.
    /// </summary>
    public bool InlineEventDelivery { get; set; } = true;

    /// <summary>Another device's driver updated a region this device references (called by the host, any thread).</summary>
    internal void EnqueueUpdate(int slot, ulong fromDevid)
    {
        if (_unplugged) return;
        int vector = Router.Enqueue(slot, fromDevid);
        if (vector >= 0) Vectors.Fire(vector);
        else if (!TryDeliverEventsInline()) Doorbell.Notify();   // else wake the service thread to fill an eventq buffer
    }

    /// <summary>
    /// Fills eventq buffers with pending updates on the calling thread (the sending device's thread) when this device
    /// is idle, which spares the signal one thread wake-up (bench/README.md, stream). Only a try: a busy device (its
    /// gate taken — possibly by a device routing to us while we route to it) or one whose eventq is not set up yet
    /// leaves the work to its own service thread. Same steps as the eventq part of <see cref="Poll"/>.
    /// </summary>
    private bool TryDeliverEventsInline()
    {
        if (!InlineEventDelivery || !Monitor.TryEnter(_gate)) return false;
        try
        {
            if (!Serviceable || _eventq is not { } eventq) return false;
            Router.Deliver(eventq);
            eventq.NotifyIfNeeded();
            return !Router.HasPending;
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }

    /// <summary>
    /// Reset (status 0): queues and vector bindings are dropped and every reference the device holds is released, as
    /// if the guest detached everything (VISM-DEC-RESET-RELEASES); devid and gid stay (VISM-INIT-DEVID-RESET-STABLE).
    /// </summary>
    private void OnReset()
    {
        lock (_gate)
        {
            _controlq = _eventq = null;
            Array.Clear(_layouts);
            Array.Clear(_external);
            Router.Clear();
            Vectors.Clear();
            NotifyArea.Span.Clear();
            _host.ReleaseAll(Devid);
        }
    }

    /// <summary>
    /// The guest is gone (its process died or its connection closed): the device stops serving and the host releases
    /// its references, so peers keep working (issue 3 item 5). The devid is not reused.
    /// </summary>
    public void Unplug()
    {
        if (_unplugged) return;
        _unplugged = true;
        _stopping = true;
        Doorbell.Notify();
        if (_thread is { } t && t != Thread.CurrentThread) t.Join(2000);
        lock (_gate)
        {
            _controlq = _eventq = null;
            Router.Clear();
            Vectors.Clear();
        }
        _host.Remove(Devid);
    }

    public bool IsUnplugged => _unplugged;

    public void Dispose()
    {
        Unplug();
        lock (_gate)
        {
            Doorbell.Dispose();
            Interrupt.Dispose();
            NotifyArea.Dispose();
            GuestRam.Dispose();
        }
    }
}
