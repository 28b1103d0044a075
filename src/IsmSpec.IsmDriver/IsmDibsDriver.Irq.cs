using System.Buffers.Binary;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.IsmDriver;

/// <summary>The interrupt handler (research §4.7, rules 62–64): SBA DMB bits to handle_irq, IEQ entries to handle_event.</summary>
public sealed partial class IsmDibsDriver
{
    /// <summary>Stands for dibs->lock held across ism_handle_irq; also guards the IEQ cursor.</summary>
    private readonly object _irqLock = new();
    /// <summary>ism->ieq_idx: index of the last consumed IEQ entry, -1 after REG_IEQ.</summary>
    private int _ieqCursor = -1;
    /// <summary>MSIs not yet handled; the caller that raises it from 0 runs the handler until it drops back to 0.</summary>
    private int _irqRequests;
    private volatile bool _irqRequested;
    private volatile int _irqRunner;
    /// <summary>Offset of dmb_bits in the SBA (research §4.7).</summary>
    private const int SbaDmbBitsOffset = 4;

    /// <summary>
    /// The MSI. A handler never runs twice at once or nested on one device (an MSI raised while it runs,
    /// e.g. by a client's own move_data, makes it scan again), and an MSI raised while this thread has a
    /// command in flight is deferred until that command is done (see t_cmdDepth).
    /// </summary>
    private void OnInterrupt()
    {
        if (!_irqRequested)
            return;
        if (t_cmdDepth > 0)
        {
            var deferred = t_deferredIrqs ??= [];
            if (!deferred.Contains(this))
                deferred.Add(this);
            return;
        }
        if (Interlocked.Increment(ref _irqRequests) != 1)
            return;
        do
        {
            _irqRunner = Environment.CurrentManagedThreadId;
            HandleIrq();
            _irqRunner = 0;
        }
        while (Interlocked.Decrement(ref _irqRequests) != 0);
    }

    private static void RunDeferredIrqs()
    {
        while (t_deferredIrqs is { Count: > 0 } deferred)
        {
            var drv = deferred[^1];
            deferred.RemoveAt(deferred.Count - 1);
            drv.OnInterrupt();
        }
    }

    /// <summary>free_irq waits for a running handler (unless it is called from that handler).</summary>
    private void WaitForHandler()
    {
        _irqRequested = false;
        if (_irqRunner == Environment.CurrentManagedThreadId)
            return;
        var spin = new SpinWait();
        while (Volatile.Read(ref _irqRequests) != 0)
            spin.SpinOnce();
    }

    /// <summary>
    /// ism_handle_irq (rule 62): clear the summary bit s; scan DMB bits 32..1919 in increasing order and for
    /// each set bit clear it, read and zero dmbe_mask[i], and forward handle_irq(i, mask) to the owner if it is
    /// subscribed (DibsDevice.ForwardIrq); then, if the event bit e is set, clear it and drain the IEQ. SBA
    /// accesses hold the device's host lock (the hardware would use interlocked updates); clients are called
    /// outside it. Before dibs_dev_add no client is subscribed and signals are dropped (research §4.10).
    /// </summary>
    private void HandleIrq()
    {
        lock (_irqLock)
        {
            if (!_sbaRegistered)
                return;
            var sync = _pci.HostSync;
            var area = _pci.HostMemory.Span(_sbaDma, IsmSba.Size);
            lock (sync)
                IsmSba.View(area).Status.S = false;
            for (int b = S390IsmSpec.IsmDmbBitOffset / 8; b < IsmSba.DmbBitsLength; b++)
            {
                if (Volatile.Read(ref area[SbaDmbBitsOffset + b]) == 0)
                    continue;
                for (int bit = 0; bit < 8; bit++)
                {
                    int i = b * 8 + bit;
                    byte m = (byte)(0x80 >> bit);
                    ushort mask;
                    lock (sync)
                    {
                        ref var sba = ref IsmSba.View(area);
                        if ((sba.DmbBits[b] & m) == 0)
                            continue;
                        sba.DmbBits[b] &= (byte)~m;
                        mask = sba.GetDmbeMask(i);
                        sba.SetDmbeMask(i, 0);
                    }
                    _device?.ForwardIrq((uint)(i - S390IsmSpec.IsmDmbBitOffset), (uint)i, mask); // owner at idx − 32, report idx (rule 62)
                }
            }
            bool events;
            lock (sync)
            {
                ref var status = ref IsmSba.View(area).Status;
                events = status.E;
                status.E = false;
            }
            if (events && _ieqRegistered)
                DrainIeq();
        }
    }

    /// <summary>
    /// ism_handle_event (rules 63, 64): while cursor + 1 != header.idx, advance the cursor (14 wraps to 0) and
    /// deliver entry[cursor] to every subscribed client. Fix: at most one lap (15 entries) per drain, since a
    /// header.idx outside 1..15 would make the kernel's loop spin forever.
    /// </summary>
    private void DrainIeq()
    {
        var sync = _pci.HostSync;
        var area = _pci.HostMemory.Span(_ieqDma, IsmEq.Size);
        for (int n = 0; n < IsmEq.EntryLength; n++)
        {
            IsmEvent entry;
            lock (sync)
            {
                ref var eq = ref IsmEq.View(area);
                if ((ulong)(_ieqCursor + 1) == eq.Header.Idx)
                    break;
                if (++_ieqCursor == IsmEq.EntryLength)
                    _ieqCursor = 0;
                entry = eq.Entry[_ieqCursor];
            }
            var ev = ToDibsEvent(entry);
            _device?.ForwardEvent(ref ev);
        }
    }

    /// <summary>
    /// __ism_to_dibs_event (rule 64): type 0/1/2 → BUF/DEV/SW, else OTHER; SW events carry the raw code as
    /// subtype, other types map code 4/7/1 → BUF_UNREGISTERED/DEV_DISABLED/DEV_ERR_STATE, else OTHER_SUBTYPE;
    /// time and data (info) copied; BUF events carry tok as buffer_tok, DEV and SW events carry tok's big-endian
    /// bytes in gid bytes 0..7 (bytes 8..15 stay zero).
    /// </summary>
    internal static DibsEvent ToDibsEvent(in IsmEvent entry)
    {
        var ev = new DibsEvent
        {
            Type = entry.Type switch
            {
                (uint)IsmEventType.Buf => DibsEventType.BufEvent,
                (uint)IsmEventType.Dev => DibsEventType.DevEvent,
                (uint)IsmEventType.Swr => DibsEventType.SwEvent,
                _ => DibsEventType.OtherType,
            },
            Time = entry.Time,
            Data = entry.Info,
        };
        ev.Subtype = ev.Type == DibsEventType.SwEvent ? entry.Code : (uint)(entry.Code switch
        {
            (uint)IsmEventCode.DevGidErrState => DibsEventSubtype.DevErrState,
            (uint)IsmEventCode.BufDmbUnregistered => DibsEventSubtype.BufUnregistered,
            (uint)IsmEventCode.DevGidDisabled => DibsEventSubtype.DevDisabled,
            _ => DibsEventSubtype.OtherSubtype,
        });
        if (ev.Type == DibsEventType.BufEvent)
            ev.BufferTok = entry.Tok;
        else if (ev.Type is DibsEventType.DevEvent or DibsEventType.SwEvent)
            BinaryPrimitives.WriteUInt64BigEndian(ev.Gid, entry.Tok);
        return ev;
    }
}
