namespace IsmSpec.Dibs;

/// <summary>
/// The managed stand-in for dereferencing dibs_dmb.cpu_addr: a device whose DMBs live in process memory
/// hands out the buffer behind a token (own DMBs and attached ones alike). The memory spans exactly the
/// DMB's dmb_len bytes.
/// </summary>
public interface IDibsDmbMemory
{
    /// <summary>The buffer of the DMB with <paramref name="token"/>; -EINVAL when the token is unknown.</summary>
    DibsResult<Memory<byte>> GetDmbMemory(DibsDevice dev, ulong token);
}
