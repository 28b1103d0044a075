using System.Buffers.Binary;

namespace IsmSpec.IsmDriver.Tests;

/// <summary>register_dmb / unregister_dmb on the driver side (research §4.8; rules 50–55).</summary>
public class DmbRegistrationTests
{
    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDmbIdxRange)]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDmbIdxAlloc)]
    public void Indices_32_to_1919_are_handed_out_lowest_first_and_then_ENOSPC()
    {
        var pair = new IsmPair(hostSize: 16 << 20, poolBytes: 12 << 20);
        var b = pair.B;
        var got = new List<uint>();
        for (int i = 0; i < 1888; i++)
            got.Add(pair.DmbOnB(1).Idx);
        Assert.Equal(Enumerable.Range(32, 1888).Select(i => (uint)i), got);
        Assert.Equal(1888, b.Function.DmbCount);

        var more = IsmSide.Dmb(1, pair.A.Gid);
        b.Pci.Clear();
        Assert.Equal(-Errno.ENOSPC, b.Driver.RegisterDmb(b.Dev, ref more, b.Client.Client));
        Assert.Empty(b.Pci.Commands); // a local decision, the device is not asked
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDmbIdxAlloc)]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDmbIdxRange)]
    public void Requested_indices_below_32_taken_or_beyond_1919_are_EINVAL_and_freed_ones_are_reused()
    {
        var pair = new IsmPair();
        var b = pair.B;
        foreach (uint bad in new uint[] { 1, 31, 1920, uint.MaxValue })
        {
            var dmb = IsmSide.Dmb(4096, pair.A.Gid, bad);
            Assert.Equal(-Errno.EINVAL, b.Driver.RegisterDmb(b.Dev, ref dmb, b.Client.Client));
        }
        var d40 = pair.DmbOnB(4096, idx: 40);
        Assert.Equal(40u, d40.Idx);
        var again = IsmSide.Dmb(4096, pair.A.Gid, 40);
        Assert.Equal(-Errno.EINVAL, b.Driver.RegisterDmb(b.Dev, ref again, b.Client.Client));
        Assert.Equal(1919u, pair.DmbOnB(4096, idx: 1919).Idx);
        Assert.Equal(32u, pair.DmbOnB(4096).Idx);
        Assert.Equal(0, b.Driver.UnregisterDmb(b.Dev, ref d40));
        Assert.Equal(40u, pair.DmbOnB(4096, idx: 40).Idx);
        Assert.Equal(3, b.Function.DmbCount); // 1919, 32 and the new 40
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDmbMaxLen)]
    public void A_dmb_whose_page_rounded_length_exceeds_1_MiB_is_EINVAL_before_any_command()
    {
        var pair = new IsmPair();
        var b = pair.B;
        Assert.Equal(1u << 20, pair.DmbOnB(1 << 20).DmbLen);
        Assert.Equal((1u << 20) - 4095, pair.DmbOnB((1 << 20) - 4095).DmbLen);
        b.Pci.Clear();
        foreach (uint len in new uint[] { (1 << 20) + 1, 2 << 20, uint.MaxValue })
        {
            var dmb = IsmSide.Dmb(len, pair.A.Gid);
            Assert.Equal(-Errno.EINVAL, b.Driver.RegisterDmb(b.Dev, ref dmb, b.Client.Client));
        }
        // Decision: length 0 is the kernel's failing get_order(0) allocation: -ENOMEM, no index kept.
        var empty = IsmSide.Dmb(0, pair.A.Gid, 40);
        Assert.Equal(-Errno.ENOMEM, b.Driver.RegisterDmb(b.Dev, ref empty, b.Client.Client));
        Assert.Empty(b.Pci.Commands);
        Assert.Equal(40u, pair.DmbOnB(4096, idx: 40).Idx);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmGid8Bytes)]
    public void Only_gid_bytes_0_to_7_travel_and_the_device_gid_fills_bytes_0_to_7()
    {
        var pair = new IsmPair();
        var (a, b) = (pair.A, pair.B);
        var expected = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(expected, b.Function.Gid);
        Assert.Equal(expected, b.Gid);
        Assert.Equal(b.Function.Gid, b.Driver.Gid);

        var rgid = a.Gid;
        for (int i = 8; i < 16; i++) rgid[i] = (byte)(0xF0 + i);
        b.Pci.Clear();
        var dmb = b.Register(4096, rgid);
        Assert.Equal(0, b.Driver.QueryRemoteGid(b.Dev, rgid, 0, 0));
        Assert.Equal(0, b.Driver.SignalEvent(b.Dev, rgid, 0, 1, 0));
        var bodies = b.Pci.Ops.Where(o => o.Kind == "store" && o.Offset == 8).ToArray();
        string gid8 = Convert.ToHexString(rgid, 0, 8);
        Assert.Equal(gid8, Convert.ToHexString(bodies[0].Data, 24, 8)); // REG_DMB.rgid @32
        Assert.Equal(gid8, Convert.ToHexString(bodies[1].Data, 0, 8));  // QUERY_RGID.rgid @8
        Assert.Equal(gid8, Convert.ToHexString(bodies[2].Data, 0, 8));  // SIGNAL_IEQ.rgid @8
        Assert.DoesNotContain(bodies, o => Convert.ToHexString(o.Data).Contains("F8F9FAFB", StringComparison.Ordinal));
        // A writes the DMB although the caller's rgid had extra bytes: the device saw A's 8-byte GID.
        Assert.Equal(0, a.Driver.MoveData(a.Dev, dmb.DmbTok, 0, false, 0, [1, 2, 3]));
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmRegDmbResult)]
    public void Success_keeps_the_token_and_records_the_owner_failure_frees_buffer_and_index()
    {
        var pair = new IsmPair();
        var b = pair.B;
        b.Pci.Clear();
        var dmb = pair.DmbOnB(10000);
        var tokenLoad = b.Pci.Ops.Last(o => o.Kind == "load" && o.Offset == 8);
        Assert.Equal(BinaryPrimitives.ReadUInt64BigEndian(tokenLoad.Data), dmb.DmbTok);
        Assert.NotEqual(0UL, dmb.DmaAddr);
        Assert.Equal(dmb.DmaAddr, dmb.CpuAddr);
        Assert.Equal(b.Client.Client.Id, b.Dev.DmbOwner(dmb.Idx - 32));
        Assert.Equal(10000, b.Memory(dmb.DmbTok).Length);
        Assert.All(b.Memory(dmb.DmbTok).ToArray(), x => Assert.Equal(0, x)); // zeroed although host memory held a pattern

        // The device refuses the next REG_DMB (a corrupted reserved header field: MALFORMED).
        b.Pci.MutateHeader = h => { if (h[3] == IsmCommands.RegDmbCode) h[5] = 1; };
        var failed = IsmSide.Dmb(4096, pair.A.Gid);
        Assert.Equal((int)IsmDeviceCodes.Malformed, b.Driver.RegisterDmb(b.Dev, ref failed, b.Client.Client));
        Assert.Equal(DibsSpec.NoDibsClient, b.Dev.DmbOwner(failed.Idx - 32));
        b.Pci.MutateHeader = null;
        var next = IsmSide.Dmb(4096, pair.A.Gid);
        Assert.Equal(0, b.Driver.RegisterDmb(b.Dev, ref next, b.Client.Client));
        Assert.Equal(failed.Idx, next.Idx);                   // the index came back
        Assert.Equal(dmb.DmaAddr + 3 * 4096, next.DmaAddr);   // and so did the buffer (first fit after the 3-page DMB)
        Assert.Equal(2, b.Driver.DmbCount);
        Assert.Equal(DibsResult<Memory<byte>>.Fail(Errno.EINVAL).Code, b.Driver.GetDmbMemory(b.Dev, 0x5555UL << 32).Code);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmUnregDmbOrder)]
    public void Owner_is_cleared_before_unreg_dmb_and_memory_is_freed_only_on_0_or_ISM_ERROR()
    {
        var pair = new IsmPair();
        var b = pair.B;
        var dmb = pair.DmbOnB(4096);
        byte ownerAtDoorbell = 0;
        b.Pci.BeforeDoorbell = cmd => { if (cmd == IsmCommands.UnregDmbCode) ownerAtDoorbell = b.Dev.DmbOwner(dmb.Idx - 32); };
        Assert.Equal(0, b.Driver.UnregisterDmb(b.Dev, ref dmb));
        Assert.Equal(DibsSpec.NoDibsClient, ownerAtDoorbell);
        Assert.Equal(0, b.Driver.DmbCount);

        // 0xFFFF counts as success: freed, and the code is returned as is.
        var d2 = pair.DmbOnB(4096);
        b.Pci.OverrideRet = cmd => cmd == IsmCommands.UnregDmbCode ? (ushort)0xFFFF : null;
        Assert.Equal(0xFFFF, b.Driver.UnregisterDmb(b.Dev, ref d2));
        Assert.Equal(0, b.Driver.DmbCount);
        Assert.Equal(d2.Idx, pair.DmbOnB(4096).Idx); // index free again

        // Any other code: buffer and index stay, the owner entry is gone, the client may leave the layer.
        b.Pci.OverrideRet = cmd => cmd == IsmCommands.UnregDmbCode ? (ushort)0x0008 : null;
        var held = b.Driver.DmbCount;
        var d3 = pair.DmbOnB(4096);
        Assert.Equal(8, b.Driver.UnregisterDmb(b.Dev, ref d3));
        Assert.Equal(held + 1, b.Driver.DmbCount);
        Assert.Equal(DibsSpec.NoDibsClient, b.Dev.DmbOwner(d3.Idx - 32));
        Assert.NotEqual(d3.Idx, pair.DmbOnB(4096).Idx);
    }
}
