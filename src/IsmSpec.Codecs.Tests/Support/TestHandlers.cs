using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using IsmSpec.Specs.S390Ism;
using V1 = IsmSpec.Specs.VirtioIsm;
using V2 = IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.Codecs.Tests.Support;

/// <summary>64 bytes inside a struct, so a handler can keep the last request without allocating.</summary>
[InlineArray(64)]
internal struct Buffer64
{
    private byte _element0;
}

/// <summary>What every test handler records: which command ran, how often, and the request bytes it got.</summary>
internal struct CallRecord
{
    public int Calls;
    public string? Last;
    public int SeenLength;
    public Buffer64 Seen;

    public void Record<TRequest>(string name, in TRequest request) where TRequest : unmanaged
    {
        Calls++;
        Last = name;
        var bytes = WireStruct.AsBytes(in request);
        SeenLength = bytes.Length;
        bytes.CopyTo(Seen);
    }

    public readonly byte[] SeenBytes() => ((ReadOnlySpan<byte>)Seen)[..SeenLength].ToArray();

    /// <summary>The pattern handlers write into reply bytes: 0x40, 0x41, ...</summary>
    public static void FillPattern(Span<byte> bytes, byte start = 0x40)
    {
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(start + i);
    }

    public static void FillPattern<TReply>(ref TReply reply, int skip = 0) where TReply : unmanaged =>
        FillPattern(MemoryMarshal.AsBytes(new Span<TReply>(ref reply))[skip..]);
}

/// <summary>virtio-ism version 1 device side: records the request, fills the reply with the pattern, returns <see cref="Ack"/>.</summary>
internal struct V1Handler : V1.IVirtioIsmCtrlHandler
{
    public CallRecord Record;
    public V1.VirtioIsmAck Ack;

    private V1.VirtioIsmAck Handle<TRequest>(string name, in TRequest request) where TRequest : unmanaged
    {
        Record.Record(name, in request);
        return Ack;
    }

    public V1.VirtioIsmAck Alloc(in V1.VirtioIsmAllocRequest request, ref V1.VirtioIsmAllocReply reply)
    {
        CallRecord.FillPattern(ref reply);
        return Handle("alloc", in request);
    }

    public V1.VirtioIsmAck Attach(in V1.VirtioIsmAttachRequest request, ref V1.VirtioIsmAttachReply reply)
    {
        CallRecord.FillPattern(ref reply);
        return Handle("attach", in request);
    }

    public V1.VirtioIsmAck Detach(in V1.VirtioIsmDetachRequest request) => Handle("detach", in request);
    public V1.VirtioIsmAck Grant(in V1.VirtioIsmGrantRequest request) => Handle("grant", in request);
    public V1.VirtioIsmAck EventVector(in V1.VirtioIsmEventVectorRequest request) => Handle("event_vector", in request);
}

/// <summary>
/// virtio-ism version 2 device side: like <see cref="V1Handler"/>, and for ALLOC/ATTACH it writes
/// <see cref="TailLength"/> pattern bytes (from 0x80) into the tail and claims <see cref="ClaimedTail"/> (if set).
/// </summary>
internal struct V2Handler : V2.IVirtioIsmCtrlHandler
{
    public CallRecord Record;
    public V2.VirtioIsmAck Ack;
    public int TailLength;
    public int? ClaimedTail;

    private V2.VirtioIsmAck Handle<TRequest>(string name, in TRequest request) where TRequest : unmanaged
    {
        Record.Record(name, in request);
        return Ack;
    }

    private V2.VirtioIsmAck HandleWithTail<TRequest, TReply>(string name, in TRequest request, ref TReply reply, Span<byte> tail, out int tailLength)
        where TRequest : unmanaged where TReply : unmanaged
    {
        CallRecord.FillPattern(ref reply);
        int length = Math.Min(TailLength, tail.Length);
        CallRecord.FillPattern(tail[..length], 0x80);
        tailLength = ClaimedTail ?? length;
        return Handle(name, in request);
    }

    public V2.VirtioIsmAck Alloc(in V2.VirtioIsmAllocRequest request, ref V2.VirtioIsmAllocReply reply, Span<byte> replyTail, out int replyTailLength) =>
        HandleWithTail("alloc", in request, ref reply, replyTail, out replyTailLength);

    public V2.VirtioIsmAck Attach(in V2.VirtioIsmAttachRequest request, ref V2.VirtioIsmAttachReply reply, Span<byte> replyTail, out int replyTailLength) =>
        HandleWithTail("attach", in request, ref reply, replyTail, out replyTailLength);

    public V2.VirtioIsmAck Detach(in V2.VirtioIsmDetachRequest request) => Handle("detach", in request);
    public V2.VirtioIsmAck GrantSetDefault(in V2.VirtioIsmGrantDefaultRequest request) => Handle("grant_set_default", in request);
    public V2.VirtioIsmAck GrantSetForDevice(in V2.VirtioIsmGrantRequest request) => Handle("grant_set_for_device", in request);
    public V2.VirtioIsmAck EventVector(in V2.VirtioIsmEventVectorRequest request) => Handle("event_vector", in request);
}

/// <summary>s390 ISM device side: records the request block, fills the response body (after the header) with the pattern.</summary>
internal struct IsmHandler : IIsmCommandsHandler
{
    public CallRecord Record;
    public IsmRet Code;

    private IsmRet Handle<TRequest, TResponse>(string name, in TRequest request, ref TResponse response)
        where TRequest : unmanaged where TResponse : unmanaged
    {
        Record.Record(name, in request);
        CallRecord.FillPattern(ref response, skip: IsmCommands.HeaderSize);
        return Code;
    }

    public IsmRet RegSba(in IsmRegSbaRequest request, ref IsmRegSbaResponse response) => Handle("reg_sba", in request, ref response);
    public IsmRet RegIeq(in IsmRegIeqRequest request, ref IsmRegIeqResponse response) => Handle("reg_ieq", in request, ref response);
    public IsmRet ReadGid(in IsmReadGidRequest request, ref IsmReadGidResponse response) => Handle("read_gid", in request, ref response);
    public IsmRet AddVlanId(in IsmSetVlanIdRequest request, ref IsmSetVlanIdResponse response) => Handle("add_vlan_id", in request, ref response);
    public IsmRet DelVlanId(in IsmSetVlanIdRequest request, ref IsmSetVlanIdResponse response) => Handle("del_vlan_id", in request, ref response);
    public IsmRet SetVlan(in IsmCmdSimpleRequest request, ref IsmCmdSimpleResponse response) => Handle("set_vlan", in request, ref response);
    public IsmRet ResetVlan(in IsmCmdSimpleRequest request, ref IsmCmdSimpleResponse response) => Handle("reset_vlan", in request, ref response);
    public IsmRet QueryInfo(in IsmQiRequest request, ref IsmQiResponse response) => Handle("query_info", in request, ref response);
    public IsmRet QueryRgid(in IsmQueryRgidRequest request, ref IsmQueryRgidResponse response) => Handle("query_rgid", in request, ref response);
    public IsmRet RegDmb(in IsmRegDmbRequest request, ref IsmRegDmbResponse response) => Handle("reg_dmb", in request, ref response);
    public IsmRet UnregDmb(in IsmUnregDmbRequest request, ref IsmUnregDmbResponse response) => Handle("unreg_dmb", in request, ref response);
    public IsmRet SignalIeq(in IsmSigIeqRequest request, ref IsmSigIeqResponse response) => Handle("signal_ieq", in request, ref response);
    public IsmRet UnregSba(in IsmCmdSimpleRequest request, ref IsmCmdSimpleResponse response) => Handle("unreg_sba", in request, ref response);
    public IsmRet UnregIeq(in IsmCmdSimpleRequest request, ref IsmCmdSimpleResponse response) => Handle("unreg_ieq", in request, ref response);
}
