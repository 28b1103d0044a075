using IsmSpec.Codecs.Tests.Support;
using IsmSpec.Specs.S390Ism;
using IsmSpec.Specs.Virtio;
using V1 = IsmSpec.Specs.VirtioIsm;
using V2 = IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.Codecs.Tests;

/// <summary>
/// The generated hot paths allocate nothing: after warm-up (tiered JIT), a loop of 1,000 iterations adds zero
/// bytes to GC.GetAllocatedBytesForCurrentThread(). Each body is warmed, given time to tier up, then measured
/// three times (the smallest delta counts).
/// </summary>
public class AllocationTests
{
    private const int Iterations = 1000;

    private static void AssertAllocatesNothing(Action loop, string what)
    {
        for (int i = 0; i < 5; i++) loop();
        Thread.Sleep(150);
        for (int i = 0; i < 3; i++) loop();
        long best = long.MaxValue;
        for (int attempt = 0; attempt < 3 && best > 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            loop();
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(best == 0, $"{what} allocated {best} bytes in {Iterations} iterations");
    }

    [Fact]
    public void TryRead_and_TryWrite_allocate_nothing()
    {
        var config = new byte[V1.VirtioIsmConfig.Size];
        var qi = new byte[IsmQiResponse.Size];
        var sba = new byte[IsmSba.Size];
        long sink = 0;
        AssertAllocatesNothing(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                V1.VirtioIsmConfig.TryRead(config, out var c); c.TryWrite(config);
                IsmQiResponse.TryRead(qi, out var q); q.TryWrite(qi);
                IsmSba.TryRead(sba, out var s); s.TryWrite(sba);
                sink += (long)(c.Gid + q.Version + s.Status.Value);
            }
        }, "TryRead/TryWrite");
        Assert.Equal(0, sink);
    }

    [Fact]
    public void Views_properties_and_bitfield_members_allocate_nothing()
    {
        var memory = new byte[IsmSba.Size];
        long sink = 0;
        AssertAllocatesNothing(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                ref var dmb = ref IsmRegDmb.View(memory);
                dmb.Request.Rgid = (ulong)i;
                dmb.Request.Hdr.Len = 40;
                sink += (long)IsmRegDmb.ReadOnlyView(memory).Request.Rgid;
                ref var desc = ref VirtqDesc.View(memory);
                desc.Flags.Next = (i & 1) == 0;
                desc.Addr = (ulong)i;
                sink += desc.Flags.Next ? 1 : 0;
                ref var word = ref IsmDmbReq.View(memory);
                word.Offset = (uint)i;
                word.Idx = (byte)i;
                sink += word.Offset + word.Idx;
                ref var sba = ref IsmSba.View(memory);
                sba.Status.S = true;
                sba.SetDmbeMask(i % 1920, 1);
                sink += sba.GetDmbeMask(i % 1920) + sba.DmbBits[i % 240];
            }
        }, "View/ReadOnlyView, property and bitfield member get/set");
        Assert.NotEqual(0, sink);
    }

    [Fact]
    public void Validate_allocates_nothing_on_success_or_failure()
    {
        var valid = new V1.VirtioIsmGrantRequest { Permissions = V1.VirtioIsmPerm.Read };
        var invalid = new V2.VirtioIsmAttachRequest { Pad = 1 };
        IsmSba sba = default;
        sba.Status.Rsvd = 1;
        var sbaBox = new IsmSba[] { sba };
        int ok = 0;
        AssertAllocatesNothing(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                ok += valid.Validate(out _) ? 1 : 0;
                ok += invalid.Validate(out _) ? 1 : 0;
                ok += sbaBox[0].Validate(out _) ? 1 : 0;
            }
        }, "Validate");
        Assert.True(ok > 0);
    }

    [Fact]
    public void Virtio_ctrl_dispatch_with_a_struct_handler_allocates_nothing()
    {
        var v1Request = new byte[V1.VirtioIsmCtrl.AllocRequestLength];
        V1.VirtioIsmCtrl.TryWriteAlloc(v1Request, new V1.VirtioIsmAllocRequest { SizeField = 64 }, out _);
        var v2Request = new byte[V2.VirtioIsmCtrl.AllocRequestLength];
        V2.VirtioIsmCtrl.TryWriteAlloc(v2Request, new V2.VirtioIsmAllocRequest { SizeField = 64 }, out _);
        var bad = new byte[] { 9, 9 };
        var reply = new byte[64];
        var handlers = new (V1Handler V1, V2Handler V2)[] { (default, new V2Handler { TailLength = 32 }) };
        int total = 0;
        AssertAllocatesNothing(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                total += V1.VirtioIsmCtrl.Dispatch(ref handlers[0].V1, v1Request, reply, out _);
                total += V1.VirtioIsmCtrl.Dispatch(ref handlers[0].V1, bad, reply, out _);
                total += V2.VirtioIsmCtrl.Dispatch(ref handlers[0].V2, v2Request, reply, out _);
            }
        }, "virtio-ism Dispatch");
        Assert.True(total > 0);
    }

    [Fact]
    public void Ism_dispatch_allocates_nothing()
    {
        var request = new byte[IsmRegDmb.Size];
        IsmCommands.TryWriteRegDmb(request, new IsmRegDmbRequest { Dmb = 0x1000 }, out _);
        var unknown = new byte[] { 0, 0, 0, 0x0C, 0, 0, 0, 8 };
        var response = new byte[IsmQi.Size];
        var handlers = new IsmHandler[1];
        int total = 0;
        AssertAllocatesNothing(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                total += IsmCommands.Dispatch(ref handlers[0], request, response, out _);
                total += IsmCommands.Dispatch(ref handlers[0], unknown, response, out _);
            }
        }, "ISM Dispatch");
        Assert.True(total > 0);
    }

    [Fact]
    public void Request_builders_and_reply_readers_allocate_nothing()
    {
        var buffer = new byte[64];
        var reply = Bytes.Hex("00 01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00");
        var ismResponse = Bytes.Hex("00 00 00 0A 00 00 00 10 00 00 00 00 00 00 00 05");
        long sink = 0;
        AssertAllocatesNothing(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                V1.VirtioIsmCtrl.TryWriteAlloc(buffer, new V1.VirtioIsmAllocRequest { SizeField = (ulong)i }, out int w1);
                V2.VirtioIsmCtrl.TryWriteGrantSetForDevice(buffer, new V2.VirtioIsmGrantRequest { Token = (ulong)i }, out int w2);
                IsmCommands.TryWriteRegDmb(buffer, new IsmRegDmbRequest { Rgid = (ulong)i }, out int w3);
                V1.VirtioIsmCtrl.TryReadAllocReply(reply, out _, out var allocReply);
                IsmCommands.TryReadRegDmbResponse(ismResponse, out _, out var dmb);
                sink += w1 + w2 + w3 + (long)allocReply.Token + (long)dmb.DmbTok;
            }
        }, "request builders and reply readers");
        Assert.True(sink > 0);
    }

    [Fact]
    public void Tail_accessors_allocate_nothing()
    {
        var reply = Bytes.Hex("""
            00  07 00 00 00 00 00 00 00  02 00 00 00 00 00 00 00
            00 10 00 00 00 00 00 00  00 10 00 00 00 00 00 00
            00 20 00 00 00 00 00 00  00 10 00 00 00 00 00 00
            """);
        var eventBuffer = Bytes.Hex("01 00 00 00 00 00 00 00  00 30 00 00 00 00 00 00");
        long sink = 0;
        AssertAllocatesNothing(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                V2.VirtioIsmCtrl.TryReadAllocReply(reply, out _, out var head, out var tail);
                V2.VirtioIsmAllocReply.TryReadMessage(reply.AsSpan(1), out _, out var tail2);
                for (int k = 0; k < (int)head.Num; k++) sink += (long)V2.VirtioIsmAllocReply.GetArea(tail, k).Offset + tail2.Length;
                V1.VirtioIsmEvent.TryReadMessage(eventBuffer, out var ev, out var offsets);
                sink += (long)V1.VirtioIsmEvent.GetOffset(offsets, 0) + (long)ev.Num;
            }
        }, "TryReadMessage and tail Get");
        Assert.NotEqual(0, sink);
    }
}
