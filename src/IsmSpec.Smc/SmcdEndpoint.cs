using System.Diagnostics.CodeAnalysis;
using IsmSpec.Dibs;

namespace IsmSpec.Smc;

/// <summary>
/// Connection setup over a caller-provided channel (research §2.9 "Token exchange", "Reachability",
/// "DMB per connection"): the connector proposes its GID; the listener checks query_remote_gid (rule 13),
/// registers its receive DMB with rgid = the connector's GID (rule 71) and accepts with {gid, token, size};
/// the connector checks reachability, registers its own DMB and confirms with its {gid, token, size}.
/// Either side declines (with an errno) instead of failing silently; the other side then throws IOException.
/// </summary>
public static class SmcdEndpoint
{
    /// <summary>The connecting side (SMC's connect with CLC proposal and confirm).</summary>
    public static async Task<SmcdConnection> ConnectAsync(SmcdClient client, DibsDevice dev, Stream channel,
        SmcdStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        var size = CheckArguments(client, dev, channel, ref options);
        await SmcdHandshake.SendAsync(channel, new(SmcdHandshakeType.Proposal, 0, size, 0, dev.Gid.ToArray()), cancellationToken).ConfigureAwait(false);
        var accept = await SmcdHandshake.ReceiveAsync(channel, SmcdHandshakeType.Accept, cancellationToken).ConfigureAwait(false);
        var conn = await SetUpAsync(client, dev, channel, accept, size, cancellationToken).ConfigureAwait(false);
        conn.BusyPoll = options.BusyPoll;
        try
        {
            await SmcdHandshake.SendAsync(channel, new(SmcdHandshakeType.Confirm, 0, size, conn.LocalToken, dev.Gid.ToArray()), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            conn.Abort();
            throw;
        }
        return conn;
    }

    /// <summary>The listening side (SMC's accept: CLC accept after the proposal, connection usable after the confirm).</summary>
    public static async Task<SmcdConnection> AcceptAsync(SmcdClient client, DibsDevice dev, Stream channel,
        SmcdStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        var size = CheckArguments(client, dev, channel, ref options);
        var proposal = await SmcdHandshake.ReceiveAsync(channel, SmcdHandshakeType.Proposal, cancellationToken).ConfigureAwait(false);
        var rc = Reachable(dev, proposal.Gid);
        var created = rc == 0 ? SmcdConnection.Create(client, dev, proposal.Gid, size) : DibsResult<SmcdConnection>.Fail(rc);
        if (!created.TryGetValue(out var conn))
        {
            await Decline(channel, created.Code, cancellationToken).ConfigureAwait(false);
            throw new IOException($"cannot accept an SMC-D connection from {new Guid(proposal.Gid, bigEndian: true)}: {Errno.Name(created.Code)}");
        }
        try
        {
            await SmcdHandshake.SendAsync(channel, new(SmcdHandshakeType.Accept, 0, size, conn.LocalToken, dev.Gid.ToArray()), cancellationToken).ConfigureAwait(false);
            var confirm = await SmcdHandshake.ReceiveAsync(channel, SmcdHandshakeType.Confirm, cancellationToken).ConfigureAwait(false);
            if (!confirm.Gid.AsSpan().SequenceEqual(proposal.Gid) || !SmcdStreamOptions.IsValidSize(confirm.DmbLen))
                throw new IOException("the SMC-D confirm does not match the proposal");
            conn.BusyPoll = options.BusyPoll;
            conn.Connect(confirm.Token, confirm.DmbLen);
            return conn;
        }
        catch
        {
            conn.Dispose();
            throw;
        }
    }

    private static async Task<SmcdConnection> SetUpAsync(SmcdClient client, DibsDevice dev, Stream channel,
        SmcdHandshake accept, uint size, CancellationToken ct)
    {
        var rc = SmcdStreamOptions.IsValidSize(accept.DmbLen) ? Reachable(dev, accept.Gid) : -Errno.EINVAL;
        var created = rc == 0 ? SmcdConnection.Create(client, dev, accept.Gid, size) : DibsResult<SmcdConnection>.Fail(rc);
        if (!created.TryGetValue(out var conn))
        {
            await Decline(channel, created.Code, ct).ConfigureAwait(false);
            throw new IOException($"cannot connect over SMC-D to {new Guid(accept.Gid, bigEndian: true)}: {Errno.Name(created.Code)}");
        }
        conn.Connect(accept.Token, accept.DmbLen);
        return conn;
    }

    /// <summary>query_remote_gid with vlan unused (rule 13); positive device codes (ISM, rule 49) also mean unreachable.</summary>
    private static int Reachable(DibsDevice dev, byte[] gid)
    {
        var rc = dev.Ops.QueryRemoteGid(dev, gid, 0, 0);
        return rc == 0 ? 0 : rc < 0 ? rc : -Errno.ENETUNREACH;
    }

    private static Task Decline(Stream channel, int code, CancellationToken ct) =>
        SmcdHandshake.SendAsync(channel, new(SmcdHandshakeType.Decline, (ushort)Math.Abs(code), 0, 0, new byte[16]), ct);

    private static uint CheckArguments(SmcdClient client, DibsDevice dev, Stream channel, [NotNull] ref SmcdStreamOptions? options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(dev);
        ArgumentNullException.ThrowIfNull(channel);
        options ??= new SmcdStreamOptions();
        if (!SmcdStreamOptions.IsValidSize(options.DmbSize))
            throw new ArgumentOutOfRangeException(nameof(options), options.DmbSize, $"DMB size must be {SmcdStreamOptions.MinDmbSize}..{SmcdStreamOptions.MaxDmbSize}");
        SmcdStreamOptions.ThrowIfInvalidBusyPoll(options.BusyPoll, nameof(options));
        return options.DmbSize;
    }
}
