using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Specs.VhostUser;
using IsmSpec.VhostUser;
using IsmSpec.VhostUser.Backend;
using Ids = IsmSpec.Specs.VhostUser.VhostUserSpec.Ids;

namespace IsmSpec.Conformance.VhostUser;

/// <summary>Device-role (back-end) requirements, checked on the reference back-end through a scripted front-end.</summary>
public sealed partial class VhostUserSuite
{
    private static readonly VhostUserRequest[] Gets =
        [VhostUserRequest.GetFeatures, VhostUserRequest.GetProtocolFeatures, VhostUserRequest.GetQueueNum, VhostUserRequest.GetShmemConfig, VhostUserRequest.GetConfig, VhostUserRequest.GetVringBase];

    [Checks(Ids.VhostReplyFlag)]
    public Property EveryReplyCarriesTheReplyFlag() => ForAll(Gen.ArrayOf(Gen.Elements(Gets), 6).ToArbitrary(), requests =>
    {
        using var bed = new Bed();
        using var s = VhostUserSocket.Connect(bed.Path);
        using (Call(s, (uint)VhostUserRequest.SetProtocolFeatures, 1, U64(BackEndConnection.OfferedProtocolFeatures), reply: false)) { }
        foreach (var r in requests)
        {
            byte[] payload = r switch { VhostUserRequest.GetConfig => new byte[12 + 32], VhostUserRequest.GetVringBase => State(0, 0), _ => [] };
            if (r == VhostUserRequest.GetConfig) new VhostUserConfig { Offset = 0, SizeField = 32 }.TryWrite(payload);
            using var reply = Call(s, (uint)r, 1, payload, reply: true)!;
            That(reply.Flags.Reply && reply.Flags.Version == 1 && reply.Request == (uint)r, $"{r}: reply flags 0x{reply.Flags.Value:X}, request {reply.Request}");
        }
    });

    [Checks(Ids.VhostReplyAck)]
    public Property NeedReplyGetsAU64Ack() => ForAll(Gen.ArrayOf(Gen.Choose(0, 5), 8).ToArbitrary(), plan =>
    {
        using var bed = new Bed();
        using var s = VhostUserSocket.Connect(bed.Path);
        That(AckOf(Call(s, (uint)VhostUserRequest.SetProtocolFeatures, NeedReply, U64((ulong)VhostUserProtocolFeatures.ReplyAck), true), 16) == 0, "SET_PROTOCOL_FEATURES(REPLY_ACK) refused");
        foreach (int step in plan)
        {
            var (request, payload, ok) = step switch
            {
                0 => (VhostUserRequest.SetOwner, Array.Empty<byte>(), true),
                1 => (VhostUserRequest.SetVringNum, State(0, 64), true),
                2 => (VhostUserRequest.SetVringEnable, State(1, 1), true),
                3 => (VhostUserRequest.SetVringNum, State(0, 63), false),
                4 => (VhostUserRequest.SetVringEnable, State(7, 1), false),
                _ => ((VhostUserRequest)0x7E, Array.Empty<byte>(), false),
            };
            ulong ack = AckOf(Call(s, (uint)request, NeedReply, payload, true), (uint)request);
            That(ok ? ack == 0 : ack != 0, $"{request} answered {ack}, expected {(ok ? "0" : "non-zero")}");
        }
    });

    [Checks(Ids.VhostProtoBeforeFeatures)]
    public Property ProtocolFeaturesWorkBeforeSetFeatures() => ForAll(ProtocolSubsets().ToArbitrary(), subset =>
    {
        using var bed = new Bed();
        using var s = VhostUserSocket.Connect(bed.Path);
        using var offered = Call(s, (uint)VhostUserRequest.GetProtocolFeatures, 1, [], true)!;
        That(offered.TryReadExact(out VhostUserU64 o) && o.ValueField == BackEndConnection.OfferedProtocolFeatures, "GET_PROTOCOL_FEATURES before SET_FEATURES");
        That(AckOf(Call(s, (uint)VhostUserRequest.SetProtocolFeatures, NeedReply, U64(subset | (ulong)VhostUserProtocolFeatures.ReplyAck), true), 16) == 0,
            $"SET_PROTOCOL_FEATURES(0x{subset:X}) before SET_FEATURES refused");
    });

    [Checks(Ids.VhostConfigReplySize)]
    public Property ConfigRepliesAsManyBytesAsAskedOrNone() => ForAll(Arb.From(Gen.Zip(Gen.Choose(0, 40), Gen.Frequency((8, Gen.Choose(0, 40)), (1, Gen.Constant(300))))), c =>
    {
        using var bed = new Bed();
        using var s = VhostUserSocket.Connect(bed.Path);
        using (Call(s, (uint)VhostUserRequest.SetProtocolFeatures, 1, U64((ulong)VhostUserProtocolFeatures.Config), false)) { }
        var request = new byte[12 + Math.Min(c.Item2, 256)];
        new VhostUserConfig { Offset = (uint)c.Item1, SizeField = (uint)c.Item2 }.TryWrite(request);
        using var reply = Call(s, (uint)VhostUserRequest.GetConfig, 1, request, true)!;
        bool valid = c.Item2 is > 0 and <= 256 && c.Item1 + c.Item2 <= 32;
        That(reply.Payload.Length == (valid ? request.Length : 0), $"GET_CONFIG offset {c.Item1} size {c.Item2}: {reply.Payload.Length}-byte reply");
    });

    [Checks(Ids.VhostGetBaseStops)]
    public Property GetVringBaseStopsAndReportsTheNextIndex() => ForAll(Arb.From(Gen.Choose(0, 6)), k =>
    {
        using var bed = new Bed();
        using var g = bed.Guest();
        for (int i = 0; i < k; i++) That(g.Exchange([0, 0], 1).Length == 1, "a command went unanswered");
        var state = g.FrontEnd.GetVringBase(0);
        That(state.Index == 0 && state.Num == (uint)k, $"GET_VRING_BASE after {k} commands: ring {state.Index}, next {state.Num}");
        That(g.Exchange([0, 0], 1).Length == 0, "the stopped controlq still completed a command");
    });

    [Checks(Ids.VhostStoppedNoWrites)]
    public Property StoppedRingsSeeNoUpdatesOrVectors() => ForAll(Arb.From(Gen.Choose(1, 4)), notifies =>
    {
        using var bed = new Bed();
        using var a = bed.Guest(VirtioIsmDevices.EventVq);
        using var b = bed.Guest(VirtioIsmDevices.EventVq);
        var (token, offset) = Commands.Alloc(a, 64);
        Commands.Attach(b, token);
        b.FrontEnd.GetVringBase(0);
        b.FrontEnd.GetVringBase(1);
        ulong notifySize = BitConverter.ToUInt64(a.Config, 24), regionSize = BitConverter.ToUInt64(a.Config, 16);
        for (int i = 0; i < notifies; i++) a.Notify(offset / regionSize * notifySize);
        That(b.TakeEvents().Count == 0, "a guest whose rings are all stopped received eventq messages");
    });

    [Checks(Ids.VhostShmemResetDrops)]
    public Property ResetDropsMappingsWithoutUnmaps() => ForAll(Arb.From(Gen.Choose(1, 3)), regions =>
    {
        using var bed = new Bed();
        using var g = bed.Guest();
        for (int i = 0; i < regions; i++) Commands.Alloc(g, 64);
        int unmaps = g.Channel.Unmaps;
        That(g.Negotiate(VirtioIsmDevices.EventVq), "re-initialization after RESET_DEVICE refused");
        That(g.Channel.Unmaps == unmaps, $"the back-end sent {g.Channel.Unmaps - unmaps} SHMEM_UNMAPs for mappings a reset had dropped");
        That(g.Channel.Refusals == 0, $"a SHMEM_MAP after the reset was refused: {g.Channel.LastRefusal}");
        That(g.Space.Views.Count == 1, $"{g.Space.Views.Count} mappings after the reset, expected NOTIFY only");
        Commands.Alloc(g, 64);
    });
}
