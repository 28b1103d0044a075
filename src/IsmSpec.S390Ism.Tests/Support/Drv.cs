namespace IsmSpec.S390Ism.Tests.Support;

/// <summary>
/// A minimal driver side for the tests (the real ISM driver model is a later item): zero the block as the
/// kernel zeroes the union (research §4.2), build it with the generated IsmCommands.TryWriteX, ring the
/// doorbell, read the answer with the generated reader.
/// </summary>
internal static class Drv
{
    /// <summary>The largest command block (QUERY_INFO, 256 bytes).</summary>
    public const int BlockSize = 256;

    public static Span<byte> Zeroed(IsmFunction f)
    {
        var area = f.CommandArea[..BlockSize];
        area.Clear();
        return area;
    }

    public static IsmRet Code(IsmFunction f)
    {
        f.ExecuteCommand();
        return (IsmRet)IsmRespHdr.ReadOnlyView(f.CommandArea).Ret;
    }

    public static IsmRet RegSba(IsmFunction f, ulong dma)
    {
        IsmCommands.TryWriteRegSba(Zeroed(f), new IsmRegSbaRequest { Sba = dma }, out _);
        return Code(f);
    }

    public static IsmRet RegIeq(IsmFunction f, ulong dma, ulong len = IsmEq.Size)
    {
        IsmCommands.TryWriteRegIeq(Zeroed(f), new IsmRegIeqRequest { Ieq = dma, Len = len }, out _);
        return Code(f);
    }

    public static IsmRet UnregSba(IsmFunction f) => Simple(f, IsmCommands.UnregSbaCode);
    public static IsmRet UnregIeq(IsmFunction f) => Simple(f, IsmCommands.UnregIeqCode);
    public static IsmRet SetVlan(IsmFunction f) => Simple(f, IsmCommands.SetVlanCode);
    public static IsmRet ResetVlan(IsmFunction f) => Simple(f, IsmCommands.ResetVlanCode);

    private static IsmRet Simple(IsmFunction f, uint code)
    {
        var area = Zeroed(f);
        var ok = code switch
        {
            IsmCommands.UnregSbaCode => IsmCommands.TryWriteUnregSba(area, default, out _),
            IsmCommands.UnregIeqCode => IsmCommands.TryWriteUnregIeq(area, default, out _),
            IsmCommands.SetVlanCode => IsmCommands.TryWriteSetVlan(area, default, out _),
            _ => IsmCommands.TryWriteResetVlan(area, default, out _),
        };
        Assert.True(ok);
        return Code(f);
    }

    public static IsmRet ReadGid(IsmFunction f, out ulong gid)
    {
        IsmCommands.TryWriteReadGid(Zeroed(f), default, out _);
        f.ExecuteCommand();
        IsmCommands.TryReadReadGidResponse(f.CommandArea, out var code, out var rsp);
        gid = rsp.Gid;
        return code;
    }

    public static IsmRet QueryInfo(IsmFunction f, out IsmQiResponse info)
    {
        IsmCommands.TryWriteQueryInfo(Zeroed(f), default, out _);
        f.ExecuteCommand();
        IsmCommands.TryReadQueryInfoResponse(f.CommandArea, out var code, out info);
        return code;
    }

    public static IsmRet QueryRgid(IsmFunction f, ulong rgid, bool vlanValid = false, uint vlanId = 0)
    {
        IsmCommands.TryWriteQueryRgid(Zeroed(f), new IsmQueryRgidRequest { Rgid = rgid, VlanValid = vlanValid ? 1u : 0u, VlanId = vlanId }, out _);
        return Code(f);
    }

    public static IsmRet AddVlanId(IsmFunction f, ulong id)
    {
        IsmCommands.TryWriteAddVlanId(Zeroed(f), new IsmSetVlanIdRequest { VlanId = id }, out _);
        return Code(f);
    }

    public static IsmRet DelVlanId(IsmFunction f, ulong id)
    {
        IsmCommands.TryWriteDelVlanId(Zeroed(f), new IsmSetVlanIdRequest { VlanId = id }, out _);
        return Code(f);
    }

    public static IsmRet RegDmb(IsmFunction f, ulong dma, uint len, uint idx, ulong rgid, out ulong token)
    {
        IsmCommands.TryWriteRegDmb(Zeroed(f), new IsmRegDmbRequest { Dmb = dma, DmbLen = len, SbaIdx = idx, Rgid = rgid }, out _);
        f.ExecuteCommand();
        IsmCommands.TryReadRegDmbResponse(f.CommandArea, out var code, out var rsp);
        token = rsp.DmbTok;
        return code;
    }

    public static IsmRet UnregDmb(IsmFunction f, ulong token)
    {
        IsmCommands.TryWriteUnregDmb(Zeroed(f), new IsmUnregDmbRequest { DmbTok = token }, out _);
        return Code(f);
    }

    public static IsmRet SignalIeq(IsmFunction f, ulong rgid, uint eventCode, ulong info, bool triggerIrq = true)
    {
        IsmCommands.TryWriteSignalIeq(Zeroed(f),
            new IsmSigIeqRequest { Rgid = rgid, TriggerIrq = triggerIrq ? 1u : 0u, EventCode = eventCode, Info = info }, out _);
        return Code(f);
    }

    /// <summary>The move_data address word built as ISM_CREATE_REQ does (rule 56), through the generated bitfield.</summary>
    public static ulong Word(ulong token, byte idx, bool sf, uint offset)
    {
        var word = IsmDmbReq.FromValue(token);
        word.Idx = idx;
        word.Sf = sf;
        word.Offset = offset;
        return word.Value;
    }

    /// <summary>The kernel's ism_move chunking (research §4.9): chunks never cross 4 KiB of the target offset, sf on the last.</summary>
    public static IsmRet Move(IsmFunction writer, ulong token, byte idx, bool sf, uint offset, ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            int chunk = Math.Min(S390IsmSpec.IsmMoveChunk - (int)(offset % S390IsmSpec.IsmMoveChunk), data.Length);
            bool last = chunk == data.Length;
            var code = writer.StoreBlock(Word(token, idx, sf && last, offset), data[..chunk]);
            if (code != IsmRet.Success) return code;
            data = data[chunk..];
            offset += (uint)chunk;
        }
        return IsmRet.Success;
    }
}
