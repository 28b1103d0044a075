namespace IsmSpec.S390Ism;

/// <summary>
/// A DMB registered with REG_DMB (research §4.5 ism_reg_dmb, §4.8): the owner function, its SBA index,
/// the remote GID allowed to write it, and the host memory it lives in.
/// </summary>
public sealed class IsmDmb
{
    internal IsmDmb(ulong token, IsmFunction owner, int sbaIdx, ulong rgid, bool vlanValid, uint vlanId, ulong dma, Memory<byte> buffer)
    {
        Token = token;
        Owner = owner;
        SbaIdx = sbaIdx;
        Rgid = rgid;
        VlanValid = vlanValid;
        VlanId = vlanId;
        Dma = dma;
        Buffer = buffer;
    }

    /// <summary>Fabric-unique token with the low 32 bits zero (rule 56, ISM-DEV-TOKEN-FORMAT).</summary>
    public ulong Token { get; }
    public IsmFunction Owner { get; }
    /// <summary>The DMB index, 32..1919: SBA DMB bit and dmbe_mask entry (rule 61).</summary>
    public int SbaIdx { get; }
    /// <summary>GID bytes 0..7 of the peer allowed to store into the DMB; 0 lets any function of the fabric store.</summary>
    public ulong Rgid { get; }
    public bool VlanValid { get; }
    public uint VlanId { get; }
    /// <summary>The DMA address the driver registered.</summary>
    public ulong Dma { get; }
    /// <summary>Exactly dmb_len bytes of the owner's host memory.</summary>
    internal Memory<byte> Buffer { get; }
    public int Length => Buffer.Length;
}
