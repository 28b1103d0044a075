using IsmSpec.S390Ism;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.IsmDriver;

/// <summary>
/// The zPCI view of one ISM function as ism_drv.c has it (research §4.1): PCI store block / PCI load on
/// address space 2 for commands, store block on address space 0 for DMB writes, one MSI, and the host memory
/// the function reaches by DMA. The driver touches the device only through this interface, so tests can put a
/// recording or fault-injecting host between driver and device.
/// </summary>
public interface IIsmPci
{
    /// <summary>zdev->pchid: reported as the DIBS fabric id (rule 66).</summary>
    ushort Pchid { get; }

    /// <summary>The memory of the host the function is attached to (SBA, IEQ and DMBs live here).</summary>
    IsmHostMemory HostMemory { get; }

    /// <summary>
    /// The lock the device holds while it writes host memory. Hardware updates the SBA with interlocked
    /// instructions; the emulation serialises with this lock, so the driver takes it around SBA/IEQ accesses.
    /// </summary>
    object HostSync { get; }

    /// <summary>__ism_write_cmd: one PCI store block of <paramref name="data"/> at space-2 <paramref name="offset"/>; a store at offset 0 (the header) is the doorbell.</summary>
    void StoreCommand(int offset, ReadOnlySpan<byte> data);

    /// <summary>__ism_read_cmd: one 8-byte PCI load from space-2 <paramref name="offset"/>; false when the load got nothing.</summary>
    bool LoadCommand(int offset, Span<byte> eightBytes);

    /// <summary>__ism_move: one PCI store block into address space 0 addressed by the DMB request word; 0 on success.</summary>
    IsmRet StoreBlock(ulong dmbReq, ReadOnlySpan<byte> chunk);

    /// <summary>request_irq: from now on every MSI of the function calls <paramref name="handler"/>.</summary>
    void RequestIrq(Action handler);

    /// <summary>free_irq: no new handler invocations start after this returns.</summary>
    void FreeIrq();
}

/// <summary>The real thing for the emulation: an <see cref="IsmFunction"/> reached as the hardware allows.</summary>
public sealed class IsmFunctionPci : IIsmPci
{
    private readonly IsmFunction _function;
    private Action<IsmFunction>? _irq;

    public IsmFunctionPci(IsmFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        _function = function;
    }

    public ushort Pchid => _function.Fabric.Pchid;
    public IsmHostMemory HostMemory => _function.HostMemory;
    public object HostSync => _function.Fabric.Sync;

    /// <summary>Copies into the command area; the header store (offset 0) rings the doorbell (rule 44).</summary>
    public void StoreCommand(int offset, ReadOnlySpan<byte> data)
    {
        data.CopyTo(_function.CommandArea[offset..]);
        if (offset == 0)
            _function.ExecuteCommand();
    }

    public bool LoadCommand(int offset, Span<byte> eightBytes)
    {
        _function.CommandArea.Slice(offset, eightBytes.Length).CopyTo(eightBytes);
        return true;
    }

    public IsmRet StoreBlock(ulong dmbReq, ReadOnlySpan<byte> chunk) => _function.StoreBlock(dmbReq, chunk);

    public void RequestIrq(Action handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        FreeIrq();
        _irq = _ => handler();
        _function.Interrupt += _irq;
    }

    public void FreeIrq()
    {
        if (_irq is null)
            return;
        _function.Interrupt -= _irq;
        _irq = null;
    }
}
