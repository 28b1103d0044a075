using IsmSpec.Specs.S390Ism;

namespace IsmSpec.S390Ism;

/// <summary>
/// The return codes this emulated device puts into <c>ism_resp_hdr.ret</c> and returns from a store block.
/// The kernel defines only SUCCESS 0 and ISM_ERROR 0xFFFF and passes every other code on unchanged
/// (research §4.6, rule 47); the values below are IsmSpec's choice (research §7), listed in
/// spec/s390-ism/device-decisions.ism (ISM-DEV-RET-CODES) and README.md.
/// </summary>
public static class IsmDeviceCodes
{
    /// <summary>0x0000: the command or store succeeded.</summary>
    public const IsmRet Success = IsmRet.Success;
    /// <summary>0x0001: a reserved field of the request is not zero.</summary>
    public const IsmRet Malformed = (IsmRet)0x0001;
    /// <summary>0x0002: the command does not fit the function's state (area already registered, none registered).</summary>
    public const IsmRet BadState = (IsmRet)0x0002;
    /// <summary>0x0003: a DMA address is not page aligned, not host memory, or overlaps another registered area.</summary>
    public const IsmRet BadAddress = (IsmRet)0x0003;
    /// <summary>0x0004: a length is out of range (IEQ len not 512, dmb_len 0 or above 1 MiB, store of 0 or more than 4096 bytes).</summary>
    public const IsmRet BadLength = (IsmRet)0x0004;
    /// <summary>0x0005: sba_idx is outside 32..1919.</summary>
    public const IsmRet BadIndex = (IsmRet)0x0005;
    /// <summary>0x0006: sba_idx already holds a DMB of this function.</summary>
    public const IsmRet IndexInUse = (IsmRet)0x0006;
    /// <summary>0x0007: the function's DMB table (or the fabric's token space) is full.</summary>
    public const IsmRet TableFull = (IsmRet)0x0007;
    /// <summary>0x0008: no DMB with this token exists (or, for UNREG_DMB, this function does not own it).</summary>
    public const IsmRet UnknownToken = (IsmRet)0x0008;
    /// <summary>0x0009: no function with this GID is on the fabric.</summary>
    public const IsmRet UnknownGid = (IsmRet)0x0009;
    /// <summary>0x000A: the target function has no IEQ registered.</summary>
    public const IsmRet NotReady = (IsmRet)0x000A;
    /// <summary>0x000B: the writer's GID is not the DMB's rgid.</summary>
    public const IsmRet AccessDenied = (IsmRet)0x000B;
    /// <summary>0x000C: offset + length runs past the DMB's dmb_len.</summary>
    public const IsmRet OutOfBounds = (IsmRet)0x000C;
    /// <summary>0x000D: the store crosses a 4 KiB boundary of the target offset.</summary>
    public const IsmRet CrossesBoundary = (IsmRet)0x000D;
    /// <summary>0x000E: a VLAN id above 0xFFFF.</summary>
    public const IsmRet BadVlan = (IsmRet)0x000E;
    /// <summary>0x000F: the 64-entry VLAN table is full.</summary>
    public const IsmRet VlanTableFull = (IsmRet)0x000F;
    /// <summary>0x0010: DEL_VLAN_ID of an id that is not in the table, or QUERY_RGID with a VLAN the target lacks.</summary>
    public const IsmRet VlanUnknown = (IsmRet)0x0010;
    /// <summary>0xFFFF: unknown command code, len not the command's request size, or a block shorter than its request (the generated dispatcher's answer).</summary>
    public const IsmRet IsmError = IsmRet.IsmError;
}
