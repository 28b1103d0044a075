using System.Security.Cryptography;
using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Smc.SharedMemory;

/// <summary>
/// A reference DIBS device whose DMBs live in a <see cref="SharedMemoryFabric"/> memfd, so devices in
/// different processes reach each other (a stand-in for the virtio-ism-backed device, issue item 5). One
/// station of the fabric; its GID is random and published in the fabric header. Contract as the generic
/// device rules (12–24): query_remote_gid succeeds for any present station's GID; register_dmb takes the
/// lowest free slot (index = slot, requested idx ignored), zeroes it, and returns a token
/// random32 &lt;&lt; 32 | station &lt;&lt; 16 | slot; move_data is bounds-checked (-EINVAL, nothing written)
/// and, with sf, sets the slot's bit in the target station's pending mask and writes its eventfd. A
/// thread per device drains the mask into handle_irq (ISM-like: signals may be coalesced, rule 23;
/// dmbemask 0). Fabric id 0xFF00 (emulated ISM class, rule 78). No vlan, event or attach ops.
/// </summary>
public sealed unsafe class SharedMemoryDibsDevice : IDibsDevOps<DibsDevice, DibsClient>, IDibsDmbMemory, IDisposable
{
    public const ushort FabricId = 0xFF00;
    private readonly SharedMemoryFabric _fabric;
    private readonly int _station;
    private readonly bool[] _used;
    private readonly Thread _irqThread;
    private volatile bool _stopping;

    public SharedMemoryDibsDevice(SharedMemoryFabric fabric, int station)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        ArgumentOutOfRangeException.ThrowIfNegative(station);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(station, fabric.Stations);
        _fabric = fabric;
        _station = station;
        _used = new bool[fabric.Slots];
        var gid = Guid.NewGuid().ToByteArray(bigEndian: true);
        gid.CopyTo(fabric.Gid(station));
        Volatile.Write(ref fabric.Present(station), 1u);
        Device = new DibsDevice($"shm{station}", gid, this);
        _irqThread = new Thread(IrqLoop) { IsBackground = true, Name = $"shm{station} irq" };
        _irqThread.Start();
    }

    public DibsDevice Device { get; }

    public ushort GetFabricId(DibsDevice dev) => FabricId;

    public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid)
    {
        for (var s = 0; s < _fabric.Stations; s++)
        {
            if (Volatile.Read(ref _fabric.Present(s)) == 1 && _fabric.Gid(s).SequenceEqual(rgid))
                return 0;
        }
        return -Errno.ENETUNREACH;
    }

    public int MaxDmbs() => _fabric.Slots;

    public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client)
    {
        CheckDev(dev);
        if (dmb.DmbLen == 0 || dmb.DmbLen > (uint)_fabric.SlotSize)
            return -Errno.EINVAL;
        int slot;
        lock (_used)
        {
            slot = Array.IndexOf(_used, false);
            if (slot < 0)
                return -Errno.ENOSPC;
            _used[slot] = true;
        }
        new Span<byte>(_fabric.Arena(_station, slot), _fabric.SlotSize).Clear();   // rule 18
        var token = ((ulong)RandomNumberGenerator.GetInt32(1, int.MaxValue) << 32) | ((ulong)_station << 16) | (uint)slot;
        _fabric.Length(_station, slot) = dmb.DmbLen;
        Volatile.Write(ref _fabric.Token(_station, slot), token);
        dmb.DmbTok = token;
        dmb.Idx = (uint)slot;
        dmb.CpuAddr = (ulong)_fabric.Arena(_station, slot);
        dmb.DmaAddr = DibsSpec.DibsDmaAddrInvalid;
        Device.SetDmbOwner((uint)slot, client);
        return 0;
    }

    public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb)
    {
        CheckDev(dev);
        if (!Decode(dmb.DmbTok, out var station, out var slot) || station != _station)
            return -Errno.EINVAL;
        Interlocked.Exchange(ref _fabric.Token(station, slot), 0UL);          // full fence: withdrawn before the wait
        WaitForWriters(station, slot);
        Device.ClearDmbOwner((uint)slot);
        lock (_used)
            _used[slot] = false;
        return 0;
    }

    /// <summary>
    /// Copies into the target slot while counted as one of its writers: the token is checked after the count is
    /// raised, and unregister_dmb withdraws the token before it waits for the count to drop, so a copy never lands
    /// in a slot that was freed (and perhaps registered again) after the check — what the loopback's read lock
    /// guarantees in one process, across processes.
    /// </summary>
    public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data)
    {
        CheckDev(dev);
        if (!Decode(dmbTok, out var station, out var slot))
            return -Errno.EINVAL;
        ref int writers = ref _fabric.Writers(station, slot);
        Interlocked.Increment(ref writers);                                // full fence: counted before the check
        try
        {
            if (Volatile.Read(ref _fabric.Token(station, slot)) != dmbTok)
                return -Errno.EINVAL;
            if ((ulong)offset + (ulong)data.Length > Volatile.Read(ref _fabric.Length(station, slot)))
                return -Errno.EINVAL;
            data.CopyTo(new Span<byte>(_fabric.Arena(station, slot) + offset, data.Length));
        }
        finally
        {
            Interlocked.Decrement(ref writers);
        }
        if (sf)
        {
            Interlocked.Or(ref _fabric.Pending(station), 1UL << slot);   // full fence: data before the signal
            _fabric.Signal(station).Notify();
        }
        return 0;
    }

    public DibsResult<Memory<byte>> GetDmbMemory(DibsDevice dev, ulong token)
    {
        CheckDev(dev);
        if (!Decode(token, out var station, out var slot) || station != _station)
            return DibsResult<Memory<byte>>.Fail(Errno.EINVAL);
        var len = (int)_fabric.Length(station, slot);
        return new UnmanagedMemoryManager(_fabric.Arena(station, slot), len).Memory;
    }

    /// <summary>The "interrupt handler": take and clear the pending mask, then handle_irq per set slot (rule 20).</summary>
    private void IrqLoop()
    {
        var signal = _fabric.Signal(_station);
        while (!_stopping)
        {
            signal.Wait(200);
            var pending = Interlocked.Exchange(ref _fabric.Pending(_station), 0UL);
            while (pending != 0)
            {
                var slot = (uint)ulong.TrailingZeroCount(pending);
                pending &= pending - 1;
                Device.ForwardIrq(slot, 0);
            }
        }
    }

    /// <summary>A token names a live DMB: station and slot in range and the slot table holds exactly this token.</summary>
    /// <summary>
    /// Waits until no move_data is still copying into the slot. Bounded, because a process killed mid-copy never
    /// lowers its count: after <see cref="WriterDrainLimit"/> the count is taken as stale, reset, and the slot freed.
    /// </summary>
    private void WaitForWriters(int station, int slot)
    {
        ref int writers = ref _fabric.Writers(station, slot);
        var spinner = new SpinWait();
        var giveUp = Environment.TickCount64 + (long)WriterDrainLimit.TotalMilliseconds;
        while (Volatile.Read(ref writers) > 0)
        {
            if (Environment.TickCount64 >= giveUp)
            {
                Volatile.Write(ref writers, 0);
                return;
            }
            spinner.SpinOnce();
        }
    }

    /// <summary>How long unregister_dmb waits for copies in flight into the slot.</summary>
    public static readonly TimeSpan WriterDrainLimit = TimeSpan.FromSeconds(1);

    /// <summary>Test hook: pretend a move_data of another process is copying into <paramref name="slot"/> of this station.</summary>
    internal void EnterWriterForTest(int slot, int delta) => Interlocked.Add(ref _fabric.Writers(_station, slot), delta);

    private bool Decode(ulong token, out int station, out int slot)
    {
        station = (int)((token >> 16) & 0xFFFF);
        slot = (int)(token & 0xFFFF);
        return token >> 32 != 0 && station < _fabric.Stations && slot < _fabric.Slots
            && Volatile.Read(ref _fabric.Token(station, slot)) == token;
    }

    private void CheckDev(DibsDevice dev)
    {
        if (!ReferenceEquals(dev, Device))
            throw new ArgumentException("not this shared-memory device", nameof(dev));
    }

    /// <summary>Withdraws the station from the fabric and stops the interrupt thread (remove the device from its layer first).</summary>
    public void Dispose()
    {
        if (_stopping)
            return;
        _stopping = true;
        Volatile.Write(ref _fabric.Present(_station), 0u);
        _fabric.Signal(_station).Notify();
        _irqThread.Join();
    }
}
