namespace IsmSpec.Codecs;

/// <summary>Describes one command of a generated command set.</summary>
/// <param name="Class">The virtio controlq class, or -1 for s390 ISM command blocks.</param>
public readonly record struct CommandDescriptor(
    string Name, int Class, uint Code, int RequestSize, int ReplySize, string? RequestType, string? ReplyType, bool ReplyHasTail);

/// <summary>What a generated dispatcher did with one request.</summary>
public enum DispatchStatus
{
    /// <summary>The handler ran; its ack/return code was written.</summary>
    Handled,
    /// <summary>The request is shorter than the framing header.</summary>
    TooShort,
    /// <summary>No command has this class/code.</summary>
    UnknownCommand,
    /// <summary>The request length does not match the command's request size.</summary>
    BadLength,
    /// <summary>The reply buffer cannot hold the command's reply.</summary>
    ReplyBufferTooSmall,
    /// <summary>The handler claimed more tail bytes than the reply buffer holds.</summary>
    HandlerOverflow,
}
