using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.VirtioIsm.Driver;

/// <summary>Why a driver command did not succeed.</summary>
public enum IsmError
{
    None = 0,
    /// <summary>The device acked with an error value (draft: any ack other than OK, VISM-DEC-ACK-VALUES).</summary>
    Refused,
    /// <summary>The device's reply was shorter than the command's reply (a device bug).</summary>
    MalformedReply,
    /// <summary>The argument is not valid for this driver (e.g. a region of another driver).</summary>
    InvalidArgument,
}

/// <summary>A failed command: which command, the raw ack and the error kind.</summary>
public sealed class IsmCommandException(string command, VirtioIsmAck ack, IsmError error)
    : Exception($"virtio-ism {command} failed: {error} (ack {(byte)ack})")
{
    public string Command { get; } = command;
    public VirtioIsmAck Ack { get; } = ack;
    public IsmError Error { get; } = error;
}

/// <summary>The typed outcome of a command without a result value (DETACH, GRANT, EVENT_VECTOR).</summary>
public readonly record struct IsmResult(string Command, VirtioIsmAck Ack, IsmError Error)
{
    public bool IsOk => Error == IsmError.None;

    /// <summary>Throws <see cref="IsmCommandException"/> unless the command succeeded.</summary>
    public void ThrowIfFailed()
    {
        if (!IsOk) throw new IsmCommandException(Command, Ack, Error);
    }

    public static IsmResult Ok(string command) => new(command, VirtioIsmAck.Ok, IsmError.None);
}

/// <summary>The typed outcome of ALLOC or ATTACH: the region, or why there is none.</summary>
public readonly record struct IsmResult<T>(T? Result, string Command, VirtioIsmAck Ack, IsmError Error) where T : class
{
    public bool IsOk => Error == IsmError.None;

    /// <summary>The result; throws <see cref="IsmCommandException"/> when the command failed.</summary>
    public T Value => IsOk ? Result! : throw new IsmCommandException(Command, Ack, Error);

    public static implicit operator IsmResult(IsmResult<T> result) => new(result.Command, result.Ack, result.Error);
}
