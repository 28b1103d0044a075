using IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.VirtioIsm.Driver;

/// <summary>A failed version-2 command: which command, the raw version-2 ack and the error kind.</summary>
public sealed class ChunkAreaCommandException(string command, VirtioIsmAck ack, IsmError error)
    : Exception($"virtio-ism v2 {command} failed: {error} (ack {VirtioIsmAckInfo.SpecNameOf(ack) ?? ((byte)ack).ToString(System.Globalization.CultureInfo.InvariantCulture)})")
{
    public string Command { get; } = command;
    public VirtioIsmAck Ack { get; } = ack;
    public IsmError Error { get; } = error;
}

/// <summary>Outcome of a version-2 command without a value (DETACH, GRANT_SET_*, EVENT_VECTOR).</summary>
public readonly record struct ChunkAreaResult(string Command, VirtioIsmAck Ack, IsmError Error)
{
    public bool IsOk => Error == IsmError.None;

    public void ThrowIfFailed()
    {
        if (!IsOk) throw new ChunkAreaCommandException(Command, Ack, Error);
    }
}

/// <summary>Outcome of version-2 ALLOC or ATTACH: the region, or why there is none.</summary>
public readonly record struct ChunkAreaResult<T>(T? Result, string Command, VirtioIsmAck Ack, IsmError Error) where T : class
{
    public bool IsOk => Error == IsmError.None;

    public T Value => IsOk ? Result! : throw new ChunkAreaCommandException(Command, Ack, Error);
}

/// <summary>A peer updated a region (version 2: <c>virtio_ism_event_update</c> or the region's vector).</summary>
/// <param name="Offset">The region's offset (its first area).</param>
/// <param name="Devid">The device whose driver wrote the notify address (0 when the update came through a vector).</param>
public readonly record struct ChunkAreaUpdate(ulong Offset, ulong Devid, ChunkAreaRegion? Region, IsmUpdateSource Source);
