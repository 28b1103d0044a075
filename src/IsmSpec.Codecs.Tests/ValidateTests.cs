using IsmSpec.Codecs.Tests.Support;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.S390Ism;
using IsmSpec.Specs.Smc;
using IsmSpec.Specs.Virtio;
using V1 = IsmSpec.Specs.VirtioIsm;
using V2 = IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.Codecs.Tests;

/// <summary>Validate(): reserved fields and bits must be zero, enum values defined, flags known.</summary>
public class ValidateTests
{
    private static void Invalid<T>(T value, params string[] mentions) where T : unmanaged, IWireStruct<T>
    {
        Assert.False(value.Validate(out var error), $"{typeof(T).Name} should not validate");
        Assert.NotNull(error);
        foreach (var word in mentions) Assert.Contains(word, error);
    }

    private static void Valid<T>(T value) where T : unmanaged, IWireStruct<T>
    {
        Assert.True(value.Validate(out var error), error);
        Assert.Null(error);
    }

    [Fact]
    public void A_non_zero_reserved_field_fails_naming_the_field()
    {
        Invalid(new V2.VirtioIsmAttachRequest { Token = 1, Pad = 1 }, "'pad'", "virtio_ism_attach_request");
        Invalid(new IsmReqHdr { Cmd = 0xA, Res = 0x100, Len = 40 }, "'res'", "ism_req_hdr");
        Invalid(new IsmQiResponse { Res = 1 }, "'res'", "ism_qi_response");
        Invalid(new IsmEqHeader { Res = 1UL << 63 }, "'res'", "ism_eq_header");
        Invalid(new VirtioBlkConfig { Unused0 = 1 }, "'unused0'");
        VirtioBlkConfig blk = default;
        blk.Unused1[2] = 1;
        Invalid(blk, "'unused1'");
        SmcdCdcMsg cdc = default;
        cdc.Res1[6] = 1;
        Invalid(cdc, "'res1'");
        cdc = default;
        cdc.Res3[0] = 0x80;
        Invalid(cdc, "'res3'");
        IsmSba sba = default;
        sba.SetRes(2, 1);
        Invalid(sba, "'res'", "ism_sba");
    }

    [Fact]
    public void A_reserved_field_inside_a_nested_struct_fails_the_outer_struct()
    {
        IsmRegDmbRequest request = default;
        request.Hdr.Res = 1;
        Invalid(request, "'res'", "ism_req_hdr");
        IsmEq eq = default;
        eq.Header.Res = 1;
        Invalid(eq, "ism_eq_header");
    }

    [Fact]
    public void An_undefined_enum_value_fails()
    {
        Invalid(new VirtioBlkReqHeader { Type = (VirtioBlkReqType)2 }, "'type'", "virtio_blk_req_header");
        Invalid(new DibsEvent { Type = (DibsEventType)4 }, "'type'", "dibs_event");
        Invalid(new SmcdSwEventInfo { Code = (SmcdSwEventInfoCode)3 }, "'code'");
        Valid(new VirtioBlkReqHeader { Type = VirtioBlkReqType.SecureErase });
        Valid(new SmcdSwEventInfo { Code = SmcdSwEventInfoCode.Response, LgrId = 7 });
    }

    [Fact]
    public void An_unknown_flag_bit_fails()
    {
        Invalid(new V1.VirtioIsmGrantRequest { Permissions = (V1.VirtioIsmPerm)(1UL << 5) }, "'permissions'", "virtio_ism_grant_request");
        Invalid(new V2.VirtioIsmGrantDefaultRequest { Permissions = (V2.VirtioIsmPerm)(1UL << 63) }, "'permissions'");
        Invalid(new V2.VirtioIsmEventUpdate { EvType = (V2.VirtioIsmEventType)8 }, "'ev_type'");
        Invalid(new VirtqAvail { Flags = (VirtqAvailFlags)2 }, "'flags'", "virtq_avail");
        Invalid(new VirtqUsed { Flags = (VirtqUsedFlags)0x8000 }, "'flags'", "virtq_used");
        Valid(new V1.VirtioIsmGrantRequest { Permissions = V1.VirtioIsmPerm.Read | V1.VirtioIsmPerm.Write | V1.VirtioIsmPerm.Attach | V1.VirtioIsmPerm.Manage | V1.VirtioIsmPerm.DenyOther });
        Valid(new VirtqUsed { Flags = VirtqUsedFlags.NoNotify });
    }

    [Fact]
    public void Reserved_bitfield_bits_fail_alone_and_inside_their_struct()
    {
        Invalid(VirtqDescFlags.FromValue(1 << 3), "virtq_desc_flags");
        Invalid(VirtqDescFlags.FromValue(0x8000), "virtq_desc_flags");
        Invalid(IsmSbaStatus.FromValue(1), "ism_sba_status");
        Invalid(SmcdProdFlags.FromValue(0x01), "smcd_prod_flags");
        Invalid(SmcdConnStateFlags.FromValue(0x10), "smcd_conn_state_flags");
        VirtqDesc desc = default;
        desc.Flags.Rsvd = 1;
        Invalid(desc, "virtq_desc_flags");
        SmcdCdcMsg cdc = default;
        cdc.Cons.ConnStateFlags.Rsvd = 1;
        Invalid(cdc, "smcd_conn_state_flags");
        IsmSba sba = default;
        sba.Status.Rsvd = 0x20000000;
        Invalid(sba, "ism_sba_status");
        Valid(VirtqDescFlags.FromValue(7));
        Valid(IsmSbaStatus.FromValue(0xC0000000));
        Valid(SmcdProdFlags.FromValue(0xF8));
        Valid(SmcdConnStateFlags.FromValue(0xE0));
        Valid(IsmDmbReq.FromValue(ulong.MaxValue));
    }

    [Fact]
    public void Plain_and_host_only_fields_are_not_checked()
    {
        Valid(new VirtioBlkReqHeader { Ioprio = 0xFFFFFFFF });            // ioprio is not reserved (legacy drivers fill it)
        Valid(new DibsDmb { CpuAddr = ulong.MaxValue, DmaAddr = ulong.MaxValue });
        Valid(new IsmEvent { Type = 0xFFFFFFFF, Code = 0xFFFFFFFF });     // raw be32: unknown types and SW codes occur
        Valid(new IsmRespHdr { Ret = 0x1234 });
    }

    public static TheoryData<string> WireTypes => WireTypeCatalog.TypeNames;

    /// <summary>Zeroed structs validate, except those holding an enum without a zero member.</summary>
    private static readonly HashSet<string> ZeroIsUndefined = new() { "smcd_sw_event_info" };

    [Theory]
    [MemberData(nameof(WireTypes))]
    public void A_zeroed_struct_validates_when_its_enums_define_zero(string typeName) =>
        WireTypeCatalog.InvokeGeneric(typeof(ValidateTests), nameof(ZeroedValidates), WireTypeCatalog.Resolve(typeName));

    private static void ZeroedValidates<T>() where T : unmanaged, IWireStruct<T>
    {
        T zero = default;
        bool valid = zero.Validate(out var error);
        if (ZeroIsUndefined.Contains(T.SpecTypeName))
        {
            Assert.False(valid);
            Assert.Contains("undefined value", error);
        }
        else
        {
            Assert.True(valid, $"{T.SpecTypeName}: {error}");
            Assert.Null(error);
        }
    }
}
