namespace IsmSpec.S390Ism.Tests;

/// <summary>
/// Rule 43 (ISM-BYTE-ORDER-BE): the exact big-endian bytes of blocks written by the driver-side builders
/// (IsmCommands.TryWriteX) and of the responses and areas the device writes (research §4.4, §4.5, §4.7).
/// </summary>
public class CommandBlockBytesTests
{
    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmByteOrderBe)]
    public void Reg_dmb_request_bytes_are_big_endian_at_the_spec_offsets()
    {
        Span<byte> area = stackalloc byte[IsmRegDmb.Size];
        area.Clear();
        var req = new IsmRegDmbRequest
        {
            Dmb = 0x0000_0001_0020_3000, DmbLen = 0x0001_0000, SbaIdx = 0x21, VlanValid = 1, VlanId = 0x0ABC, Rgid = 0x1122_3344_5566_7788,
        };
        Assert.True(IsmCommands.TryWriteRegDmb(area, req, out int written));
        Assert.Equal(40, written);
        Assert.Equal(
            "0000000A" + "0000" + "0028" +          // hdr: cmd 0xA, reserved, len 40
            "0000000100203000" +                    // dmb
            "00010000" + "00000021" +              // dmb_len, sba_idx
            "00000001" + "00000ABC" +              // vlan_valid, vlan_id
            "1122334455667788" +                    // rgid @32
            new string('0', 48),                    // rest of the 64-byte block untouched
            Hex(area));
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmByteOrderBe)]
    public void Signal_ieq_query_rgid_reg_ieq_and_simple_request_bytes()
    {
        Span<byte> area = stackalloc byte[32];
        area.Clear();
        IsmCommands.TryWriteSignalIeq(area, new IsmSigIeqRequest { Rgid = 0x0102_0304_0506_0708, TriggerIrq = 1, EventCode = 0xCAFE, Info = 0x0A0B_0C0D_0E0F_1011 }, out _);
        Assert.Equal("0000000E00000020" + "0102030405060708" + "00000001" + "0000CAFE" + "0A0B0C0D0E0F1011", Hex(area));

        area.Clear();
        IsmCommands.TryWriteQueryRgid(area, new IsmQueryRgidRequest { Rgid = 0xFEDC_BA98_7654_3210, VlanValid = 1, VlanId = 7 }, out _);
        Assert.Equal("0000000900000018" + "FEDCBA9876543210" + "00000001" + "00000007" + new string('0', 16), Hex(area));

        area.Clear();
        IsmCommands.TryWriteRegIeq(area, new IsmRegIeqRequest { Ieq = 0x0000_0001_0000_1000, Len = 512 }, out _);
        Assert.Equal("0000000200000018" + "0000000100001000" + "0000000000000200" + new string('0', 16), Hex(area));

        area.Clear();
        IsmCommands.TryWriteUnregSba(area, default, out _);
        Assert.Equal("0000001100000008" + new string('0', 48), Hex(area));
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmByteOrderBe)]
    public void Device_responses_are_big_endian_images_in_the_same_block()
    {
        var fabric = new IsmFabric(0x0042);
        var f = fabric.CreateFunction(IsmBed.NewHost(), gid: 0x1234_5678_9ABC_DEF0);
        IsmCommands.TryWriteReadGid(Drv.Zeroed(f), default, out _);
        f.ExecuteCommand();
        Assert.Equal("00000003" + "0000" + "0010" + "123456789ABCDEF0", Hex(f.CommandArea[..16]));

        ulong dmb = f.HostMemory.Allocate(4096);
        Assert.Equal(IsmRet.Success, Drv.RegDmb(f, dmb, 4096, 0x40, 0, out var token));
        Assert.Equal("0000000A" + "0000" + "0010" + token.ToString("X16"), Hex(f.CommandArea[..16]));

        // A failure: header only, ret = the device code, len 8.
        Drv.RegDmb(f, dmb, 4096, 0x40, 0, out _);
        Assert.Equal("0000000A" + "0006" + "0008", Hex(f.CommandArea[..8]));
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmByteOrderBe)]
    public void Sba_and_ieq_bytes_written_by_the_device_are_big_endian_and_msb_first()
    {
        var bed = new IsmBed();
        var (token, _) = bed.DmbOnB(idx: 41);
        Assert.Equal(IsmRet.Success, bed.A.StoreBlock(Drv.Word(token, idx: 2, sf: true, offset: 0), new byte[] { 1 }));
        var sba = bed.B.HostMemory.Span(bed.SbaB, IsmSba.Size);
        Assert.Equal("80000000", Hex(sba[..4]));                    // s = bit 31 = byte 0 mask 0x80
        Assert.Equal(0x40, sba[4 + 41 / 8]);                          // DMB 41: byte 4 + 5, mask 0x80 >> 1
        Assert.Equal("0400", Hex(sba.Slice(256 + 2 * 41, 2)));      // dmbe_mask[41] = 0x1000 >> 2, big-endian

        Assert.Equal(IsmRet.Success, Drv.SignalIeq(bed.A, bed.B.Gid, 0x77, 0x99));
        var eq = bed.B.HostMemory.Span(bed.IeqB, IsmEq.Size);
        Assert.Equal("0000000000000001" + "0000000000000200" + "0000000000000020", Hex(eq[..24]));
        Assert.Equal("00000002" + "00000077" + bed.A.Gid.ToString("X16"), Hex(eq.Slice(32, 16)));
        Assert.Equal("0000000000000099", Hex(eq.Slice(32 + 24, 8)));
        Assert.Equal(0xC0, sba[0]);                                   // s and e
    }
}
