using IsmSpec.Codecs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.S390Ism;

/// <summary>
/// One emulated ISM PCI function (research §4). The driver reaches it only as the hardware allows:
/// it stores a big-endian command block into <see cref="CommandArea"/> (zPCI address space 2) and calls
/// <see cref="ExecuteCommand"/> (the header store that acts as doorbell, rule 44); the response replaces the
/// request in the same block. DMB writes are store blocks into address space 0 (<see cref="StoreBlock"/>).
/// The device writes SBA bits, dmbe masks and IEQ entries into the host memory the driver registered, and
/// raises <see cref="Interrupt"/> (the MSI).
/// </summary>
public sealed partial class IsmFunction
{
    /// <summary>Bytes of the command area (one page; the largest block, QUERY_INFO, is 256).</summary>
    public const int CommandAreaSize = 4096;
    /// <summary>DMB indices 32..1919 (rule 50): 1888 DMBs.</summary>
    public const int DefaultMaxDmbs = S390IsmSpec.IsmNrDmbs - S390IsmSpec.IsmDmbBitOffset;
    /// <summary>Entries of the VLAN table (QUERY_INFO reports vlan_id[64]).</summary>
    public const int MaxVlanIds = IsmQiResponse.VlanIdLength;

    private readonly byte[] _commandArea = new byte[CommandAreaSize];
    private readonly IsmDmb?[] _dmbByIdx = new IsmDmb?[S390IsmSpec.IsmNrDmbs];
    private readonly SortedSet<ushort> _vlans = new();
    private int _dmbCount;
    private ulong _sbaDma, _ieqDma;
    private Memory<byte> _sba, _ieq;
    private bool _sbaRegistered, _ieqRegistered;
    private int _ieqSlot;
    private bool _vlanRequired;
    private long _interruptCount;

    internal IsmFunction(IsmFabric fabric, IsmHostMemory memory, ulong gid, int maxDmbs)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDmbs);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDmbs, DefaultMaxDmbs);
        Fabric = fabric;
        HostMemory = memory;
        Gid = gid;
        MaxDmbs = maxDmbs;
    }

    public IsmFabric Fabric { get; }
    /// <summary>The memory of the host this function is attached to (DMA target of SBA, IEQ and DMBs).</summary>
    public IsmHostMemory HostMemory { get; }
    /// <summary>GID bytes 0..7 (rule 53); READ_GID returns it.</summary>
    public ulong Gid { get; }
    /// <summary>How many DMBs the function's index table accepts before REG_DMB answers TABLE_FULL.</summary>
    public int MaxDmbs { get; }

    /// <summary>The MSI: raised after the device has updated the SBA (and IEQ), outside the fabric lock.</summary>
    public event Action<IsmFunction>? Interrupt;

    public long InterruptCount => Interlocked.Read(ref _interruptCount);

    /// <summary>zPCI address space 2 as the driver sees it: store the request here, read the response from here.</summary>
    public Span<byte> CommandArea => _commandArea;

    /// <summary>
    /// The doorbell: the device reads the block in <see cref="CommandArea"/>, runs the command through the
    /// generated <see cref="IsmCommands.Dispatch{THandler}"/> and writes the response over it (rule 44).
    /// Unknown codes, a len other than the command's request size, and short blocks answer ISM_ERROR;
    /// command failures answer a code from <see cref="IsmDeviceCodes"/> (rule 47). Never throws for bad input.
    /// </summary>
    public DispatchStatus ExecuteCommand() => Fabric.Run(() =>
    {
        var handler = new IsmFunctionCommands(this);
        IsmCommands.Dispatch(ref handler, _commandArea, _commandArea, out var status);
        return status;
    });

    /// <summary>Registered SBA DMA address, or null.</summary>
    public ulong? SbaAddress { get { lock (Fabric.Sync) return _sbaRegistered ? _sbaDma : null; } }
    /// <summary>Registered IEQ DMA address, or null.</summary>
    public ulong? IeqAddress { get { lock (Fabric.Sync) return _ieqRegistered ? _ieqDma : null; } }
    /// <summary>DMBs this function owns.</summary>
    public int DmbCount { get { lock (Fabric.Sync) return _dmbCount; } }

    internal void RaiseInterrupt()
    {
        Interlocked.Increment(ref _interruptCount);
        Interrupt?.Invoke(this);
    }

    /// <summary>Queues the MSI; only a function with a registered SBA raises interrupts (ISM-DEV-IRQ).</summary>
    private void QueueInterruptLocked()
    {
        if (_sbaRegistered) Fabric.QueueInterrupt(this);
    }

    /// <summary>Posts an IEQ event here (if an IEQ is registered), sets the event bit and optionally queues the MSI.</summary>
    internal bool PostEventLocked(IsmEventType type, uint code, ulong tok, ulong info, bool interrupt)
    {
        if (!_ieqRegistered) return false;
        var ev = new IsmEvent { Type = (uint)type, Code = code, Tok = tok, Time = Fabric.NextTime(), Info = info };
        _ieqSlot = IsmInterruptAreas.PostEvent(_ieq.Span, _ieqSlot, in ev);
        if (_sbaRegistered) IsmInterruptAreas.SetEventBit(_sba.Span);
        if (interrupt) QueueInterruptLocked();
        return true;
    }

    /// <summary>True when [dma, dma + length) overlaps the SBA, the IEQ or a DMB of this function (ISM-DEV-REG-AREAS).</summary>
    private bool OverlapsRegisteredLocked(ulong dma, long length)
    {
        static bool Overlaps(ulong a, long alen, ulong b, long blen) => a < b + (ulong)blen && b < a + (ulong)alen;
        if (_sbaRegistered && Overlaps(dma, length, _sbaDma, IsmSba.Size)) return true;
        if (_ieqRegistered && Overlaps(dma, length, _ieqDma, IsmEq.Size)) return true;
        foreach (var dmb in _dmbByIdx)
            if (dmb is not null && Overlaps(dma, length, dmb.Dma, dmb.Length)) return true;
        return false;
    }

    /// <summary>Maps a page-aligned, non-overlapping host area, or answers BAD_ADDRESS.</summary>
    private IsmRet MapAreaLocked(ulong dma, long length, out Memory<byte> area)
    {
        area = default;
        if (dma % IsmHostMemory.PageSize != 0 || !HostMemory.TryMap(dma, length, out area) || OverlapsRegisteredLocked(dma, length))
            return IsmDeviceCodes.BadAddress;
        return IsmDeviceCodes.Success;
    }
}
