using System.Diagnostics;
using IsmSpec.Specs.VhostUser;
using IsmSpec.VhostUser.Tests.Support;
using IsmSpec.Virtio.Linux;

namespace IsmSpec.VhostUser.Tests;

/// <summary>The front-end against a scripted back-end: every misbehaviour is a typed error within the reply timeout, never a hang.</summary>
public sealed class FrontEndFakeBackEndTests
{
    private const ulong ReplyAck = (ulong)VhostUserProtocolFeatures.ReplyAck;

    [Fact]
    public void A_back_end_that_stops_answering_is_a_timeout_not_a_hang()
    {
        using var fake = new FakeBackEnd((_, _) => { });
        var watch = Stopwatch.StartNew();
        Assert.Throws<VhostUserTimeoutException>(() => fake.FrontEnd.GetFeatures());
        Assert.True(watch.ElapsedMilliseconds < 5000, $"{watch.ElapsedMilliseconds} ms");
        Assert.Equal(VhostUserError.Broken, Assert.Throws<VhostUserProtocolException>(() => fake.FrontEnd.GetFeatures()).Error);
    }

    [Fact]
    public void A_reply_of_the_wrong_size_is_malformed()
    {
        using var fake = new FakeBackEnd((m, f) => f.Reply(m, new byte[4]));
        Assert.Equal(VhostUserError.MalformedReply, Assert.Throws<VhostUserProtocolException>(() => fake.FrontEnd.GetFeatures()).Error);
    }

    [Theory]
    [InlineData(99u, 0x5u)]   // another request id
    [InlineData(1u, 0x1u)]    // REPLY flag missing
    [InlineData(1u, 0x6u)]    // version 2
    public void A_reply_header_that_does_not_fit_the_request_is_unexpected(uint request, uint flags)
    {
        using var fake = new FakeBackEnd((m, f) => f.Reply(m, new byte[8], request, flags));
        Assert.Equal(VhostUserError.UnexpectedReply, Assert.Throws<VhostUserProtocolException>(() => fake.FrontEnd.GetFeatures()).Error);
    }

    [Fact]
    public void An_oversized_reply_is_rejected_without_reading_it()
    {
        using var fake = new FakeBackEnd((_, f) => f.SendRaw(FramingTests.Header(1, 0x5, 64 << 20)));
        Assert.Equal(VhostUserError.PayloadTooLarge, Assert.Throws<VhostUserProtocolException>(() => fake.FrontEnd.GetFeatures()).Error);
    }

    [Fact]
    public void A_back_end_that_hangs_up_is_connection_closed()
    {
        using var fake = new FakeBackEnd((_, f) => f.Close());
        Assert.Equal(VhostUserError.ConnectionClosed, Assert.Throws<VhostUserProtocolException>(() => fake.FrontEnd.GetFeatures()).Error);
    }

    [Fact]
    public void With_reply_ack_every_set_message_asks_for_an_ack_and_a_non_zero_ack_is_refused()
    {
        using var fake = new FakeBackEnd((m, f) =>
        {
            if (m.Request == (uint)VhostUserRequest.SetOwner && m.Flags.NeedReply) f.ReplyU64(m, 1);
            else f.AnswerNegotiation(m, ReplyAck);
        });
        var fe = fake.FrontEnd;
        var e = Assert.Throws<VhostUserProtocolException>(() => fe.Negotiate(ReplyAck | (ulong)VhostUserProtocolFeatures.Mq));
        Assert.Equal(VhostUserError.Refused, e.Error);
        Assert.Contains("SET_OWNER", e.Message);
        Assert.Equal(ReplyAck, fe.ProtocolFeatures);       // MQ was not offered, so not accepted
        lock (fake.Received)
        {
            var setProtocol = fake.Received.Single(m => m.Request == (uint)VhostUserRequest.SetProtocolFeatures);
            Assert.False(setProtocol.Flags.NeedReply);       // REPLY_ACK is not in force until it has been set
            Assert.True(setProtocol.TryReadExact(out VhostUserU64 v));
            Assert.Equal(ReplyAck, v.ValueField);
            Assert.DoesNotContain(fake.Received, m => m.Request == (uint)VhostUserRequest.GetQueueNum);
        }
    }

    [Fact]
    public void Kick_and_call_descriptors_reach_the_back_end_and_polling_sets_bit_8()
    {
        using var fake = new FakeBackEnd((m, f) => f.AnswerNegotiation(m, ReplyAck));
        using var kick = EventFd.Create();
        fake.FrontEnd.Negotiate(ReplyAck);
        fake.FrontEnd.SetVringKick(3, kick.FileDescriptor);
        fake.FrontEnd.SetVringCall(3, -1);
        lock (fake.Received)
        {
            var k = fake.Received.Single(m => m.Request == (uint)VhostUserRequest.SetVringKick);
            Assert.True(k.Flags.NeedReply);
            Assert.Equal(1, k.FdCount);
            Assert.True(k.TryReadExact(out VhostUserVringFd kv));
            Assert.Equal((byte)3, kv.IndexFlags.Index);
            Assert.False(kv.IndexFlags.Nofd);
            using var theirs = EventFd.FromInherited(k.TakeFd(0));
            kick.Notify();
            Assert.True(theirs.Wait(1000));
            var c = fake.Received.Single(m => m.Request == (uint)VhostUserRequest.SetVringCall);
            Assert.Equal(0, c.FdCount);
            Assert.True(c.TryReadExact(out VhostUserVringFd cv));
            Assert.True(cv.IndexFlags.Nofd);
        }
    }

    [Fact]
    public void An_empty_get_config_reply_is_the_back_ends_error()
    {
        const ulong config = (ulong)VhostUserProtocolFeatures.Config;
        using var fake = new FakeBackEnd((m, f) =>
        {
            if (m.Request == (uint)VhostUserRequest.GetConfig) f.Reply(m, []);
            else f.AnswerNegotiation(m, config);
        });
        fake.FrontEnd.Negotiate(config);
        Assert.Equal(VhostUserError.Refused, Assert.Throws<VhostUserProtocolException>(() => fake.FrontEnd.GetConfig(0, 60)).Error);
    }

    [Fact]
    public void The_front_end_keeps_its_own_rules()
    {
        using var fake = new FakeBackEnd((m, f) => f.AnswerNegotiation(m, 0, features: 1UL << 32)); // no bit 30
        var fe = fake.FrontEnd;
        Assert.Equal(VhostUserError.NotSupported, Assert.Throws<VhostUserProtocolException>(() => fe.GetProtocolFeatures()).Error);
        Assert.Throws<ArgumentException>(() => fe.SetFeatures(1UL << 30));            // no VERSION_1
        Assert.Throws<ArgumentException>(() => fe.SetFeatures((1UL << 32) | 1UL << 5)); // bit 5 never offered
        Assert.Equal(VhostUserError.NotSupported, Assert.Throws<VhostUserProtocolException>(() => fe.GetConfig(0, 60)).Error);
        Assert.Throws<ArgumentException>(() => fe.SetMemTable([]));
        var n = fe.Negotiate(ulong.MaxValue);
        Assert.Equal((0UL, 1u), (n.ProtocolFeatures, n.QueueCount));
    }
}
