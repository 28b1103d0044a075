using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.VhostUser;
using IsmSpec.VhostUser;
using IsmSpec.VhostUser.Backend;
using IsmSpec.VhostUser.Ism;
using IsmSpec.VirtioIsm.Host;

namespace IsmSpec.Conformance.VhostUser;

/// <summary>
/// The VHOST-* requirements (spec vhost-user version 1) on IsmSpec's own ends: the back-end (<see cref="VhostUserBackEnd"/>)
/// driven by a scripted front-end, and the front-end (<see cref="VhostUserFrontEnd"/>, <see cref="VirtioIsmVhostUserGuest"/>)
/// observed by the back-end (<see cref="VhostUserBackEndOptions.Observe"/>) or driven by a scripted back-end channel.
/// Each case starts its own back-end on a fresh socket. VHOST-ONE-SENDMSG is observed from the receiving side (the
/// payload must be queued whole behind its header), so a splitting sender is caught only when the split shows.
/// </summary>
public sealed partial class VhostUserSuite : ConformanceSuite
{
    public override ISpecInfo Spec => VhostUserSpec.Instance;
    public override string Name => "vhost-user (IsmSpec back-end and front-end)";

    private const uint NeedReply = 1 | 8;

    /// <summary>One back-end on a temp socket, with what it observed of its front-ends.</summary>
    internal sealed class Bed : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("ismspec-vhost-").FullName;

        public Bed(ulong? protocol = BackEndConnection.OfferedProtocolFeatures, bool spuriousCalls = false)
        {
            Path = System.IO.Path.Combine(_dir, "s");
            BackEnd = new VhostUserBackEnd(Path, new VhostUserBackEndOptions
            {
                Host = new IsmHostOptions { RegionCount = 4, RegionSize = 8192, VectorCount = 2 },
                ProtocolFeatures = protocol,
                SpuriousCalls = spuriousCalls,
                Observe = (_, m) =>
                {
                    lock (Seen)
                    {
                        Seen.Add((m.Request, m.Flags.Value, m.FdCount, (byte[])m.Payload.Clone()));
                        Framing.Add((m.Request, m.FdCount, m.FdsWithHeader, m.PayloadReads));
                    }
                },
            });
        }

        public string Path { get; }
        public VhostUserBackEnd BackEnd { get; }
        public List<(uint Request, uint Flags, int Fds, byte[] Payload)> Seen { get; } = [];
        public List<(uint Request, int Fds, int FdsWithHeader, int PayloadReads)> Framing { get; } = [];
        public List<(uint Request, uint Flags, int Fds, byte[] Payload)> Of(VhostUserRequest r) { lock (Seen) return Seen.Where(s => s.Request == (uint)r).ToList(); }
        public VirtioIsmVhostUserGuest Guest(ulong features = VirtioIsmDevices.EventVq)
        {
            var g = VirtioIsmVhostUserGuest.Connect(Path);
            That(g.Negotiate(features), "the reference back-end refused the reference front-end's features");
            return g;
        }

        public void Dispose()
        {
            BackEnd.Dispose();
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }
    }

    internal static class VirtioIsmDevices
    {
        public const ulong EventVq = Specs.VirtioIsm.VirtioIsmSpec.VirtioIsmFEventVq, EventIrq = Specs.VirtioIsm.VirtioIsmSpec.VirtioIsmFEventIrq;
    }

    internal static void That(bool condition, string message)
    {
        if (!condition) throw new ConformanceViolation(message);
    }

    /// <summary>Sends one raw request and returns the reply (or null when none is expected).</summary>
    internal static VhostUserMessage? Call(VhostUserSocket s, uint request, uint flags, ReadOnlySpan<byte> payload, bool reply)
    {
        s.Send(request, VhostUserHeaderFlags.FromValue(flags), payload);
        return reply ? s.Receive(TimeSpan.FromSeconds(3)) : null;
    }

    internal static byte[] U64(ulong v) { var b = new byte[8]; new VhostUserU64 { ValueField = v }.TryWrite(b); return b; }
    internal static byte[] State(uint i, uint n) { var b = new byte[8]; new VhostVringState { Index = i, Num = n }.TryWrite(b); return b; }

    internal static ulong AckOf(VhostUserMessage? reply, uint request)
    {
        That(reply is not null && reply.Request == request && reply.Flags.Reply, $"request {request}: no reply with the REPLY flag");
        That(reply!.TryReadExact(out VhostUserU64 v), $"request {request}: REPLY_ACK payload of {reply.Payload.Length} bytes, not a u64");
        return v.ValueField;
    }

    private static Property ForAll<T>(Arbitrary<T> cases, Action<T> body) => Prop.ForAll(cases, body);

    /// <summary>Random subsets of the protocol features the reference back-end can offer.</summary>
    internal static Gen<ulong> ProtocolSubsets() =>
        Gen.Choose(0, int.MaxValue).Select(x => BackEndConnection.OfferedProtocolFeatures & (ulong)(uint)x * 0x9E3779B1UL);
}
