using System.Buffers.Binary;

namespace IsmSpec.IsmDriver.Tests.Support;

/// <summary>One access of the driver to the function: a command store/load (space 2) or a store block (space 0).</summary>
internal sealed record PciOp(int Thread, string Kind, int Offset, byte[] Data, ulong Word = 0)
{
    public string Hex => Convert.ToHexString(Data);
    public override string ToString() => Kind == "block" ? $"block {Word:X16} {Data.Length}" : $"{Kind} @{Offset} {Hex}";
}

/// <summary>
/// A host between the driver and the emulated function: records every access in order and can inject
/// faults — answer a command with another code, fail a load, corrupt a header, fail a store block, or hold the
/// MSI until <see cref="FireIrq"/> so several signals are pending when the handler runs.
/// </summary>
internal sealed class RecordingPci : IIsmPci
{
    private readonly IIsmPci _inner;
    private readonly List<PciOp> _ops = [];
    private Action? _handler;
    private uint _lastCmd;
    private int _blocks;

    public RecordingPci(IsmFunction function) : this(new IsmFunctionPci(function)) { }

    public RecordingPci(IIsmPci inner) => _inner = inner;

    /// <summary>Replace the response code of a command (by cmd code); the header then reads ret, len 8.</summary>
    public Func<uint, ushort?>? OverrideRet { get; set; }
    /// <summary>The response header load of a command (by cmd code) gets nothing.</summary>
    public Func<uint, bool>? LoadFails { get; set; }
    /// <summary>Called with (cmd code) just before the header store rings the doorbell.</summary>
    public Action<uint>? BeforeDoorbell { get; set; }
    /// <summary>Change the header bytes on their way to the device.</summary>
    public Action<Span<byte>>? MutateHeader { get; set; }
    /// <summary>Fail store block number n (0-based, counted over the recorder's life) with the returned code, without storing.</summary>
    public Func<int, IsmRet?>? FailStore { get; set; }
    /// <summary>Hold MSIs; <see cref="FireIrq"/> delivers one.</summary>
    public bool DeferIrqs { get; set; }
    /// <summary>Busy-wait this many iterations and yield in every access (to make races likely).</summary>
    public int Spin { get; set; }
    /// <summary>Shared log: "cmd NAME" at every doorbell.</summary>
    public Action<string>? Log { get; set; }

    public int PendingIrqs;

    public ushort Pchid => _inner.Pchid;
    public IsmHostMemory HostMemory => _inner.HostMemory;
    public object HostSync => _inner.HostSync;

    public IReadOnlyList<PciOp> Ops
    {
        get { lock (_ops) return _ops.ToArray(); }
    }

    public IReadOnlyList<PciOp> Blocks => Ops.Where(o => o.Kind == "block").ToArray();

    /// <summary>Command codes in doorbell order.</summary>
    public IReadOnlyList<uint> Commands =>
        Ops.Where(o => o.Kind == "store" && o.Offset == 0).Select(o => BinaryPrimitives.ReadUInt32BigEndian(o.Data)).ToArray();

    public void Clear()
    {
        lock (_ops) _ops.Clear();
    }

    private void Record(string kind, int offset, ReadOnlySpan<byte> data, ulong word = 0)
    {
        lock (_ops) _ops.Add(new PciOp(Environment.CurrentManagedThreadId, kind, offset, data.ToArray(), word));
        if (Spin > 0)
        {
            Thread.SpinWait(Spin);
            Thread.Yield();
        }
    }

    public void StoreCommand(int offset, ReadOnlySpan<byte> data)
    {
        if (offset != 0)
        {
            Record("store", offset, data);
            _inner.StoreCommand(offset, data);
            return;
        }
        var header = data.ToArray();
        MutateHeader?.Invoke(header);
        _lastCmd = BinaryPrimitives.ReadUInt32BigEndian(data);
        Record("store", 0, header);
        Log?.Invoke("cmd " + (IsmCmdCodeInfo.SpecNameOf((IsmCmdCode)_lastCmd) ?? _lastCmd.ToString("X")));
        BeforeDoorbell?.Invoke(_lastCmd);
        _inner.StoreCommand(0, header);
    }

    public bool LoadCommand(int offset, Span<byte> eightBytes)
    {
        if (offset == 0 && LoadFails?.Invoke(_lastCmd) == true)
        {
            Record("load-failed", 0, []);
            return false;
        }
        bool ok = _inner.LoadCommand(offset, eightBytes);
        if (offset == 0 && OverrideRet?.Invoke(_lastCmd) is { } ret)
        {
            BinaryPrimitives.WriteUInt16BigEndian(eightBytes[4..], ret);
            BinaryPrimitives.WriteUInt16BigEndian(eightBytes[6..], 8);
        }
        Record("load", offset, eightBytes);
        return ok;
    }

    public IsmRet StoreBlock(ulong dmbReq, ReadOnlySpan<byte> chunk)
    {
        int n = Interlocked.Increment(ref _blocks) - 1;
        Record("block", 0, chunk, dmbReq);
        if (FailStore?.Invoke(n) is { } code)
            return code;
        return _inner.StoreBlock(dmbReq, chunk);
    }

    public void RequestIrq(Action handler)
    {
        _handler = handler;
        _inner.RequestIrq(() =>
        {
            if (DeferIrqs) Interlocked.Increment(ref PendingIrqs);
            else handler();
        });
    }

    public void FreeIrq()
    {
        _inner.FreeIrq();
        _handler = null;
    }

    /// <summary>Delivers one held MSI (or an MSI of our own making) to the driver's handler.</summary>
    public void FireIrq()
    {
        Interlocked.Exchange(ref PendingIrqs, 0);
        _handler?.Invoke();
    }
}
