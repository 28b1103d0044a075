using IsmSpec.Specs.S390Ism;

namespace IsmSpec.IsmDriver;

/// <summary>The command protocol (research §4.2): ism_cmd and one builder per command the DIBS-era driver issues.</summary>
public sealed partial class IsmDibsDriver
{
    /// <summary>The largest command union (ism_qi, 256 bytes); every block is zeroed before it is built (research §4.2).</summary>
    private const int BlockSize = 256;

    /// <summary>ism->cmd_lock: at most one command in flight per device (rule 46).</summary>
    private readonly object _cmdLock = new();

    /// <summary>
    /// Commands this thread has in flight on any ISM driver. An MSI the device raises while a command is
    /// executing on this thread (the emulation raises it synchronously) is deferred until the outermost
    /// command has finished, as a real MSI would arrive in another context; otherwise a client called from the
    /// handler could issue a command into the command area of a command still in flight.
    /// </summary>
    [ThreadStatic] private static int t_cmdDepth;
    [ThreadStatic] private static List<IsmDibsDriver>? t_deferredIrqs;

    /// <summary>
    /// ism_cmd (rules 44, 46, 47): under the command lock store the body (len − 8 bytes, skipped when empty)
    /// at space-2 offset 8, then the 8-byte header at offset 0 (the doorbell); pre-set ret to ISM_ERROR and load
    /// the 8-byte response header; only when ret is 0 load resp.len − 8 more bytes from offset 8 in 8-byte
    /// loads. Fix: the loads stop at the end of the block (the kernel trusts resp.len and would overrun the
    /// union, or loop on a len below 8 or not a multiple of 8). Returns ret.
    /// </summary>
    private IsmRet Cmd(Span<byte> block)
    {
        int requestLen = IsmReqHdr.ReadOnlyView(block).Len;
        lock (_cmdLock)
        {
            t_cmdDepth++;
            try
            {
                if (requestLen > IsmCommands.HeaderSize)
                    _pci.StoreCommand(IsmCommands.HeaderSize, block[IsmCommands.HeaderSize..requestLen]);
                _pci.StoreCommand(0, block[..IsmCommands.HeaderSize]);

                ref var resp = ref IsmRespHdr.View(block);
                resp.Ret = (ushort)IsmRet.IsmError;
                Span<byte> word = stackalloc byte[8];
                if (_pci.LoadCommand(0, word))
                    word.CopyTo(block);
                if (resp.Ret != (ushort)IsmRet.Success)
                    return (IsmRet)resp.Ret;
                int end = Math.Min((int)resp.Len, block.Length);
                for (int offset = IsmCommands.HeaderSize; offset < end; offset += 8)
                {
                    if (!_pci.LoadCommand(offset, word))
                        return IsmRet.IsmError;
                    word.CopyTo(block[offset..]);
                }
                return IsmRet.Success;
            }
            finally
            {
                t_cmdDepth--;
            }
        }
    }

    /// <summary>Issues a block built by IsmCommands.TryWriteX (which fills cmd and len, rule 45); afterwards runs MSIs deferred by this thread.</summary>
    private IsmRet Issue(Span<byte> block, bool built)
    {
        if (!built)
            throw new InvalidOperationException("a command block did not fit its buffer");
        try
        {
            return Cmd(block);
        }
        finally
        {
            if (t_cmdDepth == 0)
                RunDeferredIrqs();
        }
    }

    private IsmRet CmdRegSba(ulong dma)
    {
        Span<byte> b = stackalloc byte[BlockSize];
        b.Clear();
        return Issue(b, IsmCommands.TryWriteRegSba(b, new IsmRegSbaRequest { Sba = dma }, out _));
    }

    /// <summary>REG_IEQ with len = sizeof(struct ism_eq) = 512 (rule 65).</summary>
    private IsmRet CmdRegIeq(ulong dma)
    {
        Span<byte> b = stackalloc byte[BlockSize];
        b.Clear();
        return Issue(b, IsmCommands.TryWriteRegIeq(b, new IsmRegIeqRequest { Ieq = dma, Len = IsmEq.Size }, out _));
    }

    private IsmRet CmdReadGid(out ulong gid)
    {
        Span<byte> b = stackalloc byte[BlockSize];
        b.Clear();
        var ret = Issue(b, IsmCommands.TryWriteReadGid(b, default, out _));
        IsmCommands.TryReadReadGidResponse(b, out _, out var rsp);
        gid = ret == IsmRet.Success ? rsp.Gid : 0;
        return ret;
    }

    private IsmRet CmdQueryInfo(out IsmQiResponse info)
    {
        Span<byte> b = stackalloc byte[BlockSize];
        b.Clear();
        var ret = Issue(b, IsmCommands.TryWriteQueryInfo(b, default, out _));
        IsmCommands.TryReadQueryInfoResponse(b, out _, out info);
        return ret;
    }

    private IsmRet CmdQueryRgid(ulong rgid, uint vlanValid, uint vlanId)
    {
        Span<byte> b = stackalloc byte[BlockSize];
        b.Clear();
        var req = new IsmQueryRgidRequest { Rgid = rgid, VlanValid = vlanValid, VlanId = vlanId };
        return Issue(b, IsmCommands.TryWriteQueryRgid(b, req, out _));
    }

    private IsmRet CmdVlan(uint code, ulong vlanId)
    {
        Span<byte> b = stackalloc byte[BlockSize];
        b.Clear();
        var req = new IsmSetVlanIdRequest { VlanId = vlanId };
        return Issue(b, code == IsmCommands.AddVlanIdCode
            ? IsmCommands.TryWriteAddVlanId(b, req, out _)
            : IsmCommands.TryWriteDelVlanId(b, req, out _));
    }

    private IsmRet CmdRegDmb(in IsmRegDmbRequest request, out ulong token)
    {
        Span<byte> b = stackalloc byte[BlockSize];
        b.Clear();
        var ret = Issue(b, IsmCommands.TryWriteRegDmb(b, request, out _));
        IsmCommands.TryReadRegDmbResponse(b, out _, out var rsp);
        token = ret == IsmRet.Success ? rsp.DmbTok : 0;
        return ret;
    }

    private IsmRet CmdUnregDmb(ulong token)
    {
        Span<byte> b = stackalloc byte[BlockSize];
        b.Clear();
        return Issue(b, IsmCommands.TryWriteUnregDmb(b, new IsmUnregDmbRequest { DmbTok = token }, out _));
    }

    private IsmRet CmdSignalIeq(ulong rgid, uint triggerIrq, uint eventCode, ulong info)
    {
        Span<byte> b = stackalloc byte[BlockSize];
        b.Clear();
        var req = new IsmSigIeqRequest { Rgid = rgid, TriggerIrq = triggerIrq, EventCode = eventCode, Info = info };
        return Issue(b, IsmCommands.TryWriteSignalIeq(b, req, out _));
    }

    /// <summary>ism_cmd_simple: the header-only commands (UNREG_SBA, UNREG_IEQ).</summary>
    private IsmRet CmdSimple(uint code)
    {
        Span<byte> b = stackalloc byte[BlockSize];
        b.Clear();
        return Issue(b, code == IsmCommands.UnregSbaCode
            ? IsmCommands.TryWriteUnregSba(b, default, out _)
            : IsmCommands.TryWriteUnregIeq(b, default, out _));
    }
}
