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

    /// <summary>Another device's driver updated a region this device references (called by the host, any thread).</summary>
    internal void EnqueueUpdate(int slot, ulong fromDevid)
    {
        if (_unplugged) return;
        int vector = Router.Enqueue(slot, fromDevid);
        if (vector >= 0) Vectors.Fire(vector);
        else Doorbell.Notify();                              // wake the service thread to fill an eventq buffer
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
