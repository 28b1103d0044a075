using System.Buffers.Binary;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Smc;

/// <summary>
/// The out-of-band exchange that stands in for SMC's CLC proposal/accept/confirm (research §2.9 "Token
/// exchange"; DIBS leaves it to the client, §2.1). One 32-byte big-endian message per step:
/// type u8 @0, version u8 @1 (1), reason be16 @2 (errno of a decline), dmb_len be32 @4, token be64 @8
/// (network order, as current SMC carries it), gid 16 bytes @16. It is IsmSpec's format, not SMC's CLC.
/// </summary>
internal readonly record struct SmcdHandshake(SmcdHandshakeType Type, ushort Reason, uint DmbLen, ulong Token, byte[] Gid)
{
    public const int Size = 32;
    public const byte Version = 1;

    public void WriteTo(Span<byte> dst)
    {
        dst[..Size].Clear();
        dst[0] = (byte)Type;
        dst[1] = Version;
        BinaryPrimitives.WriteUInt16BigEndian(dst[2..], Reason);
        BinaryPrimitives.WriteUInt32BigEndian(dst[4..], DmbLen);
        BinaryPrimitives.WriteUInt64BigEndian(dst[8..], Token);
        Gid.CopyTo(dst[16..]);
    }

    public static SmcdHandshake Parse(ReadOnlySpan<byte> src)
    {
        if (src[1] != Version || src[0] is < 1 or > 4)
            throw new IOException($"malformed SMC-D handshake message (type {src[0]}, version {src[1]})");
        return new((SmcdHandshakeType)src[0], BinaryPrimitives.ReadUInt16BigEndian(src[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(src[4..]), BinaryPrimitives.ReadUInt64BigEndian(src[8..]),
            src.Slice(16, DibsSpec.DibsGidLen).ToArray());
    }

    public static async Task SendAsync(Stream channel, SmcdHandshake message, CancellationToken ct)
    {
        var buffer = new byte[Size];
        message.WriteTo(buffer);
        await channel.WriteAsync(buffer, ct).ConfigureAwait(false);
        await channel.FlushAsync(ct).ConfigureAwait(false);
    }

    public static async Task<SmcdHandshake> ReceiveAsync(Stream channel, SmcdHandshakeType expected, CancellationToken ct)
    {
        var buffer = new byte[Size];
        await channel.ReadExactlyAsync(buffer, ct).ConfigureAwait(false);
        var message = Parse(buffer);
        if (message.Type == SmcdHandshakeType.Decline)
            throw new IOException($"the peer declined the SMC-D connection ({IsmSpec.Dibs.Errno.Name(-message.Reason)})");
        if (message.Type != expected)
            throw new IOException($"expected an SMC-D {expected} message, got {message.Type}");
        return message;
    }
}

internal enum SmcdHandshakeType : byte
{
    Proposal = 1,
    Accept = 2,
    Confirm = 3,
    Decline = 4,
}
