using System.Buffers.Binary;
using IsmSpec.IsmDriver;
using IsmSpec.S390Ism;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.S390Ism.Driver;

/// <summary>What the driver did to the function: a command store or load (space 2), a store block (space 0), or the IRQ.</summary>
public enum PciOpKind { Store, Load, FailedLoad, Block, RequestIrq, FreeIrq }

/// <summary>One access, in order, with the calling thread and the bytes as the driver stored them or was given them.</summary>
public sealed record PciOp(int Thread, PciOpKind Kind, int Offset, byte[] Data, ulong Word = 0)
{
    public override string ToString() => Kind switch
    {
        PciOpKind.Block => $"block {Word:X16} {Data.Length}",
        PciOpKind.Store or PciOpKind.Load => $"{Kind.ToString().ToLowerInvariant()}@{Offset} {Convert.ToHexString(Data)}",
        _ => Kind.ToString(),
    };
}

/// <summary>
/// The suite's answer to one command instead of the device's: response header ret and len, and the word at offset 8
/// (e.g. a token). Unless <paramref name="Forward"/>, the device never sees the command; with it, the device executes
/// it and the driver still reads this header.
/// </summary>
public readonly record struct IsmAnswer(ushort Ret, ushort Len = 8, ulong Word1 = 0, bool Forward = false);

/// <summary>
/// The function as the suite presents it to a driver under test: every access is recorded in order; commands go to
/// the reference emulated function unless <see cref="Answer"/> answers them; store blocks are answered 0 without a
/// device (<see cref="SinkStores"/>) or by the function, or fail as <see cref="FailStore"/> says. The MSI is the
/// suite's: the function's own interrupts are not delivered, <see cref="FireIrq"/> runs the driver's handler.
/// </summary>
public sealed class RecordingIsmPci(IsmFunction function) : IIsmPci
{
    private readonly IsmFunctionPci _inner = new(function);
    private readonly List<PciOp> _ops = [];
    private readonly byte[] _answered = new byte[256];
    private readonly object _doorbell = new();
    private byte[] _body = [];
    private bool _useAnswer;
    private int _blocks;
    private Action? _handler;

    public IsmFunction Function { get; } = function;
    public ushort Pchid => _inner.Pchid;
    public IsmHostMemory HostMemory => _inner.HostMemory;
    public object HostSync => _inner.HostSync;

    /// <summary>Answer a command (by code, with its body) instead of the device; null lets the device answer.</summary>
    public Func<uint, byte[], IsmAnswer?>? Answer { get; set; }
    /// <summary>Runs with (code, body) just before a header store rings the doorbell.</summary>
    public Action<uint, byte[]>? BeforeDoorbell { get; set; }
    /// <summary>Store blocks are answered 0 by the suite without reaching a device.</summary>
    public bool SinkStores { get; set; }
    /// <summary>Store block number n (0-based over this recorder's life) fails with the returned code, storing nothing.</summary>
    public Func<int, ushort?>? FailStore { get; set; }
    /// <summary>Spin and yield in every access, to make interleavings of concurrent callers likely.</summary>
    public int Spin { get; set; }
    /// <summary>An ordered log shared with the clients: "request_irq", "cmd NAME", "free_irq".</summary>
    public Action<string>? Log { get; set; }

    /// <summary>DMA addresses the driver registered (last successful REG_SBA / REG_IEQ seen in the traffic).</summary>
    public ulong? Sba { get; private set; }
    public ulong? Ieq { get; private set; }
    public bool IrqRequested => _handler is not null;

    public IReadOnlyList<PciOp> Ops
    {
        get { lock (_ops) return _ops.ToArray(); }
    }

    public int Count
    {
        get { lock (_ops) return _ops.Count; }
    }

    public IReadOnlyList<PciOp> Blocks => Ops.Where(o => o.Kind == PciOpKind.Block).ToArray();

    /// <summary>Accesses from position <paramref name="from"/> on (see <see cref="Count"/>).</summary>
    public IReadOnlyList<PciOp> Since(int from)
    {
        lock (_ops) return _ops.Skip(from).ToArray();
    }

    /// <summary>(code, body) of every command whose header was stored from position <paramref name="from"/> on.</summary>
    public IReadOnlyList<(uint Code, byte[] Body)> CommandsSince(int from) => Commands(Since(from));

    public static IReadOnlyList<(uint Code, byte[] Body)> Commands(IReadOnlyList<PciOp> ops)
    {
        var list = new List<(uint, byte[])>();
        byte[] body = [];
        foreach (var op in ops)
        {
            if (op.Kind != PciOpKind.Store) { body = []; continue; }
            if (op.Offset != 0) { body = op.Data; continue; }
            list.Add((BinaryPrimitives.ReadUInt32BigEndian(op.Data), body));
            body = [];
        }
        return list;
    }

    private void Record(PciOpKind kind, int offset, ReadOnlySpan<byte> data, ulong word = 0)
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
        Record(PciOpKind.Store, offset, data);
        if (offset != 0)
        {
            _body = data.ToArray();
            if (offset + data.Length <= IsmFunction.CommandAreaSize) data.CopyTo(Function.CommandArea[offset..]);
            return;
        }
        if (data.Length < IsmCommands.HeaderSize) return;
        uint code = BinaryPrimitives.ReadUInt32BigEndian(data);
        var body = _body;
        _body = [];
        Log?.Invoke("cmd " + (IsmCmdCodeInfo.SpecNameOf((IsmCmdCode)code) ?? code.ToString("X")));
        BeforeDoorbell?.Invoke(code, body);
        lock (_doorbell)
        {
            var answer = Answer?.Invoke(code, body);
            _useAnswer = answer is not null;
            if (answer is not { } a || a.Forward)
                _inner.StoreCommand(0, data);
            if (answer is { } given)
            {
                Array.Clear(_answered);
                BinaryPrimitives.WriteUInt32BigEndian(_answered, code);
                BinaryPrimitives.WriteUInt16BigEndian(_answered.AsSpan(4), given.Ret);
                BinaryPrimitives.WriteUInt16BigEndian(_answered.AsSpan(6), given.Len);
                BinaryPrimitives.WriteUInt64BigEndian(_answered.AsSpan(8), given.Word1);
            }
            Track(code, body);
        }
    }

    /// <summary>Follows successful REG/UNREG_SBA/IEQ so the suite knows where to prepare the SBA and IEQ.</summary>
    private void Track(uint code, byte[] body)
    {
        if (Response[4] != 0 || Response[5] != 0) return;
        ulong First() => body.Length >= 8 ? BinaryPrimitives.ReadUInt64BigEndian(body) : 0;
        switch (code)
        {
            case IsmCommands.RegSbaCode: Sba = First(); break;
            case IsmCommands.RegIeqCode: Ieq = First(); break;
            case IsmCommands.UnregSbaCode: Sba = null; break;
            case IsmCommands.UnregIeqCode: Ieq = null; break;
        }
    }

    private ReadOnlySpan<byte> Response => _useAnswer ? _answered : Function.CommandArea[..256];

    public bool LoadCommand(int offset, Span<byte> eightBytes)
    {
        if (offset < 0 || offset + eightBytes.Length > 256)
        {
            Record(PciOpKind.FailedLoad, offset, []);
            return false;
        }
        Response.Slice(offset, eightBytes.Length).CopyTo(eightBytes);
        Record(PciOpKind.Load, offset, eightBytes);
        return true;
    }

    public IsmRet StoreBlock(ulong dmbReq, ReadOnlySpan<byte> chunk)
    {
        int n = Interlocked.Increment(ref _blocks) - 1;
        Record(PciOpKind.Block, 0, chunk, dmbReq);
        if (FailStore?.Invoke(n) is { } code) return (IsmRet)code;
        return SinkStores ? IsmRet.Success : Function.StoreBlock(dmbReq, chunk);
    }

    public void RequestIrq(Action handler)
    {
        Record(PciOpKind.RequestIrq, 0, []);
        Log?.Invoke("request_irq");
        _handler = handler;
    }

    public void FreeIrq()
    {
        Record(PciOpKind.FreeIrq, 0, []);
        Log?.Invoke("free_irq");
        _handler = null;
    }

    /// <summary>Raises the MSI: runs the driver's handler (if one is requested) on this thread.</summary>
    public void FireIrq() => _handler?.Invoke();
}
