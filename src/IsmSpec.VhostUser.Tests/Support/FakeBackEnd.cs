using IsmSpec.Specs.VhostUser;

namespace IsmSpec.VhostUser.Tests.Support;

/// <summary>
/// A scripted back-end on the other end of a socketpair: a thread receives each front-end message and hands it to
/// the handler, which answers (or not) through the socket. Received messages are recorded for assertions.
/// </summary>
public sealed class FakeBackEnd : IDisposable
{
    private readonly Thread _thread;
    private readonly VhostUserSocket _socket;

    public FakeBackEnd(Action<VhostUserMessage, FakeBackEnd> handler)
    {
        var (front, back) = VhostUserSocket.CreatePair();
        FrontEnd = new VhostUserFrontEnd(front) { ReplyTimeout = TimeSpan.FromMilliseconds(300) };
        _socket = back;
        _thread = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    var message = _socket.Receive(TimeSpan.FromSeconds(30));
                    lock (Received) Received.Add(message);
                    handler(message, this);
                }
            }
            catch (Exception) { /* the front-end went away or the test is over */ }
        }) { IsBackground = true };
        _thread.Start();
    }

    public VhostUserFrontEnd FrontEnd { get; }
    public List<VhostUserMessage> Received { get; } = [];

    /// <summary>Offers VERSION_1 + PROTOCOL_FEATURES and the given protocol features; answers GET_QUEUE_NUM with 1.</summary>
    public const ulong DefaultFeatures = (1UL << 32) | (1UL << 30);

    public void Reply(VhostUserMessage request, ReadOnlySpan<byte> payload, uint? requestId = null, uint flags = 0x5) =>
        _socket.Send(requestId ?? request.Request, VhostUserHeaderFlags.FromValue(flags), payload);

    public void ReplyU64(VhostUserMessage request, ulong value)
    {
        byte[] payload = new byte[VhostUserU64.Size];
        new VhostUserU64 { ValueField = value }.TryWrite(payload);
        Reply(request, payload);
    }

    public void SendRaw(ReadOnlySpan<byte> bytes) => _socket.SendRaw(bytes);

    public void Close() => _socket.Dispose();

    /// <summary>A well-behaved answer to the negotiation messages; false for anything else.</summary>
    public bool AnswerNegotiation(VhostUserMessage m, ulong protocolFeatures, ulong features = DefaultFeatures)
    {
        switch ((VhostUserRequest)m.Request)
        {
            case VhostUserRequest.GetFeatures: ReplyU64(m, features); return true;
            case VhostUserRequest.GetProtocolFeatures: ReplyU64(m, protocolFeatures); return true;
            case VhostUserRequest.GetQueueNum: ReplyU64(m, 1); return true;
            case VhostUserRequest.SetProtocolFeatures: return true;
            default:
                if (m.Flags.NeedReply) ReplyU64(m, 0);
                return false;
        }
    }

    public void Dispose()
    {
        FrontEnd.Dispose();
        _socket.Dispose();
        _thread.Join(2000);
        lock (Received) foreach (var m in Received) m.Dispose();
    }
}
