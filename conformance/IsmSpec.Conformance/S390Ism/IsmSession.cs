using System.Buffers.Binary;
using System.Diagnostics;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.S390Ism;

/// <summary>Builds a request into a zeroed block (research §4.2 step 2); the generated IsmCommands.TryWriteX.</summary>
internal delegate bool BlockWriter<T>(Span<byte> area, in T request, out int written);

/// <summary>A DMB as the driver side knows it after REG_DMB.</summary>
internal sealed record IsmDmbHandle(int Owner, ulong Token, ulong Dma, int SbaIdx, int Len, ulong Rgid);

/// <summary>
/// One test bed as a property sees it: the driver side of every function, talking to the device only in raw
/// big-endian blocks built with the generated builders (research §4.2), store blocks addressed with the
/// generated <see cref="IsmDmbReq"/> (§4.9), and SBA/IEQ read through the generated views (§4.7).
/// </summary>
internal sealed partial class IsmSession(IsmTestBed bed) : IDisposable
{
    /// <summary>Bytes written and read per command: the largest union (QUERY_INFO, 256 bytes).</summary>
    public const int Block = IsmQi.Size;

    private readonly ulong?[] _sba = new ulong?[bed.Functions.Count];
    private readonly ulong?[] _ieq = new ulong?[bed.Functions.Count];

    public IsmTestBed Bed { get; } = bed;
    public int Count => Bed.Functions.Count;
    public IIsmFunctionPort this[int f] => Bed.Functions[f];
    public ulong Gid(int f) => this[f].Gid;

    /// <summary>The raw bytes of the last response (its header and body).</summary>
    public byte[] LastResponse { get; private set; } = new byte[Block];

    /// <summary>Writes <paramref name="block"/>, rings the doorbell and loads the response (rule 44, device side).</summary>
    public byte[] Raw(int f, ReadOnlySpan<byte> block)
    {
        this[f].WriteCommand(block);
        this[f].Execute();
        var response = new byte[Block];
        this[f].ReadResponse(response);
        return LastResponse = response;
    }

    /// <summary>The response header's raw fields: ret and len, read big-endian (rule 43).</summary>
    public ushort LastRet => BinaryPrimitives.ReadUInt16BigEndian(LastResponse.AsSpan(4));
    public ushort LastLen => BinaryPrimitives.ReadUInt16BigEndian(LastResponse.AsSpan(6));

    /// <summary>A zeroed block with the request built in; <paramref name="corrupt"/> may then break it deliberately.</summary>
    public static byte[] Build<TReq>(BlockWriter<TReq> write, in TReq request, Action<byte[]>? corrupt = null)
    {
        var block = new byte[Block];
        if (!write(block, in request, out _)) throw new InvalidOperationException("the generated builder refused the block");
        corrupt?.Invoke(block);
        return block;
    }

    /// <summary>Builds, executes and returns ret (read big-endian through the generated <see cref="IsmRespHdr"/>); the response stays in <see cref="LastResponse"/>.</summary>
    public ushort Command<TReq>(int f, BlockWriter<TReq> write, in TReq request, Action<byte[]>? corrupt = null)
    {
        Raw(f, Build(write, in request, corrupt));
        return IsmRespHdr.ReadOnlyView(LastResponse).Ret;
    }

    public ushort RegSba(int f, ulong dma, Action<byte[]>? corrupt = null)
    {
        var code = Command(f, IsmCommands.TryWriteRegSba, new IsmRegSbaRequest { Sba = dma }, corrupt);
        if (code == IsmCodes.Success) _sba[f] = dma;
        return code;
    }

    public ushort RegIeq(int f, ulong dma, ulong len = IsmEq.Size, Action<byte[]>? corrupt = null)
    {
        var code = Command(f, IsmCommands.TryWriteRegIeq, new IsmRegIeqRequest { Ieq = dma, Len = len }, corrupt);
        if (code == IsmCodes.Success) _ieq[f] = dma;
        return code;
    }

    public ushort UnregSba(int f)
    {
        var code = Command(f, IsmCommands.TryWriteUnregSba, default(IsmCmdSimpleRequest));
        if (code == IsmCodes.Success) _sba[f] = null;
        return code;
    }

    public ushort UnregIeq(int f)
    {
        var code = Command(f, IsmCommands.TryWriteUnregIeq, default(IsmCmdSimpleRequest));
        if (code == IsmCodes.Success) _ieq[f] = null;
        return code;
    }

    public ushort ReadGid(int f, out ulong gid)
    {
        var code = Command(f, IsmCommands.TryWriteReadGid, default(IsmReadGidRequest));
        IsmCommands.TryReadReadGidResponse(LastResponse, out _, out var rsp);
        gid = rsp.Gid;
        return code;
    }

    public ushort QueryInfo(int f, out IsmQiResponse info, Action<byte[]>? corrupt = null)
    {
        var code = Command(f, IsmCommands.TryWriteQueryInfo, default(IsmQiRequest), corrupt);
        IsmCommands.TryReadQueryInfoResponse(LastResponse, out _, out info);
        return code;
    }

    public IsmQiResponse MustQueryInfo(int f)
    {
        IsmAssert.Code(IsmCodes.Success, QueryInfo(f, out var info), $"QUERY_INFO on function {f}");
        return info;
    }

    public ushort QueryRgid(int f, ulong rgid, uint vlanValid = 0, uint vlanId = 0) =>
        Command(f, IsmCommands.TryWriteQueryRgid, new IsmQueryRgidRequest { Rgid = rgid, VlanValid = vlanValid, VlanId = vlanId });

    public ushort RegDmb(int f, in IsmRegDmbRequest request, out ulong token, Action<byte[]>? corrupt = null)
    {
        var code = Command(f, IsmCommands.TryWriteRegDmb, in request, corrupt);
        IsmCommands.TryReadRegDmbResponse(LastResponse, out _, out var rsp);
        token = rsp.DmbTok;
        return code;
    }

    public ushort UnregDmb(int f, ulong token) =>
        Command(f, IsmCommands.TryWriteUnregDmb, new IsmUnregDmbRequest { DmbTok = token });

    public ushort SignalIeq(int f, ulong rgid, bool trigger, uint eventCode, ulong info) =>
        Command(f, IsmCommands.TryWriteSignalIeq, new IsmSigIeqRequest { Rgid = rgid, TriggerIrq = trigger ? 1u : 0u, EventCode = eventCode, Info = info });

    public ushort AddVlan(int f, ulong id) =>
        Command(f, IsmCommands.TryWriteAddVlanId, new IsmSetVlanIdRequest { VlanId = id });

    public ushort DelVlan(int f, ulong id) =>
        Command(f, IsmCommands.TryWriteDelVlanId, new IsmSetVlanIdRequest { VlanId = id });

    public ushort SetVlan(int f) => Command(f, IsmCommands.TryWriteSetVlan, default(IsmCmdSimpleRequest));
    public ushort ResetVlan(int f) => Command(f, IsmCommands.TryWriteResetVlan, default(IsmCmdSimpleRequest));

    /// <summary>Host memory for DMA; a failing adapter becomes a violation.</summary>
    public ulong Alloc(int f, int length)
    {
        try { return this[f].Allocate(length); }
        catch (Exception e) when (e is not ConformanceViolation) { throw new ConformanceViolation($"the adapter could not allocate {length} bytes of host memory: {e.Message}"); }
    }

    /// <summary>Allocates and registers the SBA and/or IEQ of function <paramref name="f"/> as the driver does at probe (research §4.10).</summary>
    public void MustAreas(int f, bool sba = true, bool ieq = true)
    {
        if (sba) IsmAssert.Code(IsmCodes.Success, RegSba(f, Alloc(f, IsmSba.Size)), $"REG_SBA on function {f}");
        if (ieq) IsmAssert.Code(IsmCodes.Success, RegIeq(f, Alloc(f, IsmHostPage)), $"REG_IEQ on function {f}");
    }

    public const int IsmHostPage = 4096;

    public ulong? SbaAddress(int f) => _sba[f];
    public ulong? IeqAddress(int f) => _ieq[f];

    /// <summary>REG_DMB with a fresh buffer; a refusal is a violation.</summary>
    public IsmDmbHandle MustDmb(int owner, int sbaIdx, int len, ulong rgid)
    {
        var dma = Alloc(owner, len);
        var code = RegDmb(owner, new IsmRegDmbRequest { Dmb = dma, DmbLen = (uint)len, SbaIdx = (uint)sbaIdx, Rgid = rgid }, out var token);
        IsmAssert.Code(IsmCodes.Success, code, $"REG_DMB(idx {sbaIdx}, len {len}) on function {owner}");
        return new IsmDmbHandle(owner, token, dma, sbaIdx, len, rgid);
    }

    /// <summary>One store block by <paramref name="writer"/>: the address word built with the generated <see cref="IsmDmbReq"/> (rule 56).</summary>
    public ushort Store(int writer, ulong token, int offset, ReadOnlySpan<byte> chunk, bool sf = false, byte sigIdx = 0) =>
        this[writer].StoreBlock(Word(token, offset, sf, sigIdx), chunk);

    public static ulong Word(ulong token, int offset, bool sf, byte sigIdx)
    {
        var req = IsmDmbReq.FromValue(token);
        req.Offset = (uint)offset;
        req.Sf = sf;
        req.Idx = sigIdx;
        return req.Value;
    }

    public byte[] Mem(int f, ulong dma, int length)
    {
        var bytes = new byte[length];
        this[f].ReadMemory(dma, bytes);
        return bytes;
    }

    public long Irqs(int f) => this[f].Interrupts;

    /// <summary>Waits up to the bed's latency for function <paramref name="f"/> to reach <paramref name="count"/> interrupts; returns the count seen.</summary>
    public long WaitIrqs(int f, long count)
    {
        var clock = Stopwatch.StartNew();
        while (Irqs(f) < count && clock.Elapsed < Bed.InterruptLatency) Thread.Sleep(1);
        return Irqs(f);
    }

    /// <summary>Lets late interrupts arrive before a check that none came.</summary>
    public void Settle()
    {
        if (Bed.InterruptLatency > TimeSpan.Zero) Thread.Sleep(Bed.InterruptLatency);
    }

    public void Dispose() => Bed.Dispose();
}
