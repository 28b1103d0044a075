namespace IsmSpec.VhostUser;

/// <summary>What went wrong on a vhost-user connection (see <see cref="VhostUserProtocolException"/>).</summary>
public enum VhostUserError
{
    /// <summary>The peer closed the connection (EOF), possibly in the middle of a message.</summary>
    ConnectionClosed,
    /// <summary>A header announced more payload than the receiver accepts (research §5.1: sizes are bounded).</summary>
    PayloadTooLarge,
    /// <summary>More descriptors than fit the control buffer (MSG_CTRUNC) or than one message may carry (8, §5.5).</summary>
    TooManyDescriptors,
    /// <summary>A reply whose header does not fit the request: wrong id, REPLY flag missing, version not 1.</summary>
    UnexpectedReply,
    /// <summary>A reply payload of the wrong size or content for its request.</summary>
    MalformedReply,
    /// <summary>A REPLY_ACK u64 that was not 0: the back-end refused the request.</summary>
    Refused,
    /// <summary>The back-end does not offer what the request needs (feature, protocol feature, queue).</summary>
    NotSupported,
    /// <summary>A previous error left the byte stream in an unknown state; the connection must be dropped.</summary>
    Broken,
}

/// <summary>A vhost-user protocol error: the connection or the peer misbehaved. Never a timeout (that is <see cref="VhostUserTimeoutException"/>).</summary>
public sealed class VhostUserProtocolException(VhostUserError error, string message) : IOException(message)
{
    public VhostUserError Error { get; } = error;
}

/// <summary>The peer did not answer (or finish a message) within the reply timeout; the connection is left broken.</summary>
public sealed class VhostUserTimeoutException(string message) : TimeoutException(message);
