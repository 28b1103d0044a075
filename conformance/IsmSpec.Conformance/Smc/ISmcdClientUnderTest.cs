using IsmSpec.Dibs;

namespace IsmSpec.Conformance.Smc;

/// <summary>How a client reads a fabric (CHID) id (rule 78).</summary>
public enum SmcdFabricClass
{
    Ism,
    Loopback,
    VirtioIsm,
}

/// <summary>
/// An SMC-D client and its byte stream under test (dibs client rules 67–80, smc spec). The suite provides the
/// DIBS devices — recording devices that log every op with its arguments, inject results and raise events —
/// and drives the client through this adapter: registration, connection setup over a channel the suite
/// provides (the CLC stand-in is the client's own business), writes, reads, close, abort, VLANs and events.
/// </summary>
/// <example>
/// <code>
/// public sealed class MySmcd : ISmcdClientUnderTest
/// {
///     public string Name => "my-smcd";
///     public bool UsesNocopy => false;
///     public ISmcdClientInstance Register(DibsLayer layer, Func&lt;DibsDevice, string?&gt; pnetIds) => new MyInstance(layer, pnetIds);
///     public byte[] ToDibsGid(ulong gid, ulong gidExt) => MyGid.Encode(gid, gidExt);
///     public (ulong Gid, ulong GidExt) FromDibsGid(ReadOnlySpan&lt;byte&gt; gid) => MyGid.Decode(gid);
///     public SmcdFabricClass ClassifyFabric(ushort fabricId) => MyGid.Classify(fabricId);
/// }
/// </code>
/// </example>
public interface ISmcdClientUnderTest
{
    string Name { get; }

    /// <summary>Whether the client attaches the peer's DMB as its send buffer when the device allows (loopback "nocopy").</summary>
    bool UsesNocopy { get; }

    /// <summary>A fresh client registered with <paramref name="layer"/>; <paramref name="pnetIds"/> is the PNET table (null: no PNET id).</summary>
    ISmcdClientInstance Register(DibsLayer layer, Func<DibsDevice, string?> pnetIds);

    /// <summary>{gid, gid_ext} to the 16-byte DIBS GID and back (rule 79).</summary>
    byte[] ToDibsGid(ulong gid, ulong gidExt);
    (ulong Gid, ulong GidExt) FromDibsGid(ReadOnlySpan<byte> dibsGid);

    /// <summary>Rule 78.</summary>
    SmcdFabricClass ClassifyFabric(ushort fabricId);
}

/// <summary>One registered client.</summary>
public interface ISmcdClientInstance : IDisposable
{
    /// <summary>The DIBS client the layer knows (its DMBs are recorded as this client's).</summary>
    DibsClient Client { get; }

    /// <summary>The client's device list, in its order (rule 80).</summary>
    IReadOnlyList<DibsDevice> Devices { get; }

    bool IsV2Capable(DibsDevice dev);
    int GetVlan(DibsDevice dev, ushort vlanId);
    int PutVlan(DibsDevice dev, ushort vlanId);
    int SignalShutdown(DibsDevice dev, ReadOnlySpan<byte> peerGid, uint lgrId, ushort vlanId);
    int SendTestLink(DibsDevice dev, ReadOnlySpan<byte> peerGid, uint lgrId, ushort vlanId);

    /// <summary>Connection setup over <paramref name="channel"/>; a null size means the client's default. Failure throws.</summary>
    Task<ISmcdConnectionUnderTest> ConnectAsync(DibsDevice dev, Stream channel, uint? dmbSize, CancellationToken ct);
    Task<ISmcdConnectionUnderTest> AcceptAsync(DibsDevice dev, Stream channel, uint? dmbSize, CancellationToken ct);

    /// <summary>The client's exit: end its connections, release their DMBs, then dibs_unregister_client (whose result it returns).</summary>
    DibsResult Shutdown();
}

/// <summary>One end of a connection. Dispose closes gracefully.</summary>
public interface ISmcdConnectionUnderTest : IDisposable
{
    /// <summary>Token of this end's receive DMB.</summary>
    ulong LocalToken { get; }

    /// <summary>Writes all bytes, blocking while the peer's ring is full; IOException when the connection failed.</summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>Blocks until bytes are there; 0 at end of stream; IOException after an abort or failure.</summary>
    int Read(Span<byte> buffer);

    void ShutdownWrite();
    void Abort();
}
