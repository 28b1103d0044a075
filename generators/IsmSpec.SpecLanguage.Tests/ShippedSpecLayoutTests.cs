using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecLanguage.Tests;

/// <summary>The spec files under spec/ bind cleanly and have the layouts the research notes give.</summary>
public class ShippedSpecLayoutTests
{
    internal static SpecModel Spec(string name, ulong version = 1) =>
        ShippedSpecs.Compilation.FindSpec(name, version) ?? throw new Xunit.Sdk.XunitException($"spec {name} version {version} not found");

    internal static void AssertLayout(StructType type, int size, params (string Field, int Offset)[] fields)
    {
        Assert.Equal(size, type.Size);
        foreach (var (field, offset) in fields)
            Assert.True(type.Field(field).Offset == offset, $"{type.Name}.{field} is at {type.Field(field).Offset}, expected {offset}");
    }

    [Fact]
    public void Whole_spec_folder_binds_without_diagnostics()
    {
        var c = ShippedSpecs.Compilation;
        Assert.True(c.Diagnostics.Count == 0, SpecTest.Format(c.Diagnostics));
    }

    [Fact]
    public void Every_protocol_spec_is_present()
    {
        var keys = ShippedSpecs.Compilation.Specs.Select(s => s.Key).ToList();
        Assert.Subset(keys.ToHashSet(), new HashSet<string> { "dibs@1", "s390-ism@1", "smc@1", "virtio@1", "virtio-ism@1", "virtio-ism@2" });
    }

    [Fact]
    public void Virtio_ism_config_is_32_bytes_of_gid_devid_region_size_notify_size()
    {
        var config = Spec("virtio-ism").Struct("virtio_ism_config");
        AssertLayout(config, 32, ("gid", 0), ("devid", 8), ("region_size", 16), ("notify_size", 24));
        Assert.All(config.Fields, f => Assert.Equal(ByteOrder.Little, f.ByteOrder));
    }

    [Theory]
    [InlineData("alloc", 0, 8, "size@0", 16, "token@0 offset@8")]
    [InlineData("attach", 1, 8, "token@0", 8, "offset@0")]
    [InlineData("detach", 2, 8, "offset@0", -1, "")]
    [InlineData("grant", 3, 24, "offset@0 peer_devid@8 permissions@16", -1, "")]
    [InlineData("event_vector", 4, 16, "offset@0 vector@8", -1, "")]
    public void Virtio_ism_v1_command_payloads(string command, int cls, int requestSize, string requestFields, int replySize, string replyFields)
    {
        var set = Assert.Single(Spec("virtio-ism").CommandSets);
        Assert.Equal((Framing.VirtioCtrl, "OK", 0UL, "ERR", 1UL), (set.Framing, set.Ok.Name, set.Ok.Value, set.Error.Name, set.Error.Value));
        var c = set.Commands.Single(k => k.Name == command);
        Assert.Equal(((int?)cls, 0UL), (c.Class, c.Code));
        AssertLayout(c.Request!, requestSize, Parse(requestFields));
        if (replySize < 0) Assert.Null(c.Reply);
        else AssertLayout(c.Reply!, replySize, Parse(replyFields));
    }

    internal static (string, int)[] Parse(string fields) =>
        fields.Split(' ', StringSplitOptions.RemoveEmptyEntries)
              .Select(f => f.Split('@')).Select(p => (p[0], int.Parse(p[1]))).ToArray();

    [Fact]
    public void Virtio_ism_v1_grant_permissions_are_the_perm_flags()
    {
        var spec = Spec("virtio-ism");
        var permissions = spec.Struct("virtio_ism_grant_request").Field("permissions");
        var flags = Assert.IsType<EnumType>(permissions.Type);
        Assert.True(flags.IsFlags);
        Assert.Equal(new ulong[] { 1, 2, 4, 8, 16 }, flags.Members.Select(m => m.Value));
    }

    [Fact]
    public void Virtio_ism_v1_event_is_a_count_and_a_tail_of_offsets()
    {
        var ev = Spec("virtio-ism").Struct("virtio_ism_event");
        Assert.Equal(8, ev.Size);
        Assert.Equal(("offset", 8, "num"), (ev.Tail!.Name, ev.Tail.Offset, ev.Tail.CountField!.Name));
    }

    [Fact]
    public void Virtio_ism_v1_features_are_bits_0_and_1()
    {
        var features = Spec("virtio-ism").Features.ToDictionary(f => f.Name, f => f.Bit);
        Assert.Equal(0, features["VIRTIO_ISM_F_EVENT_VQ"]);
        Assert.Equal(1, features["VIRTIO_ISM_F_EVENT_IRQ"]);
    }

    [Fact]
    public void Virtq_desc_is_16_bytes_with_its_flag_bits()
    {
        var desc = Spec("virtio").Struct("virtq_desc");
        AssertLayout(desc, 16, ("addr", 0), ("len", 8), ("flags", 12), ("next", 14));
        var flags = Assert.IsType<BitfieldType>(desc.Field("flags").Type);
        Assert.Equal(new[] { ("next", 0), ("write", 1), ("indirect", 2) },
            flags.Members.Where(m => !m.IsReserved).Select(m => (m.Name, m.Low)));
    }

    [Fact]
    public void Virtq_used_elem_is_8_bytes_and_ring_headers_are_4()
    {
        var spec = Spec("virtio");
        AssertLayout(spec.Struct("virtq_used_elem"), 8, ("id", 0), ("len", 4));
        AssertLayout(spec.Struct("virtq_avail"), 4, ("flags", 0), ("idx", 2));
        AssertLayout(spec.Struct("virtq_used"), 4, ("flags", 0), ("idx", 2));
        Assert.Equal(2, spec.Struct("virtq_avail_elem").Size);
    }

    [Fact]
    public void Smcd_cdc_msg_is_32_bytes_with_prod_and_cons_cursors()
    {
        var smc = Spec("smc");
        var msg = smc.Struct("smcd_cdc_msg");
        AssertLayout(msg, 32, ("type", 0), ("prod", 8), ("cons", 16));
        Assert.True(msg.HostOrder);
        var cursor = smc.Struct("smcd_cdc_cursor");
        Assert.Same(cursor, msg.Field("prod").Type);
        Assert.Same(cursor, msg.Field("cons").Type);
        AssertLayout(cursor, 8, ("wrap", 0), ("count", 2), ("prod_flags", 6), ("conn_state_flags", 7));
        Assert.Equal((ByteOrder.Host, ByteOrder.Host), (cursor.Field("wrap").ByteOrder, cursor.Field("count").ByteOrder));
    }

    [Fact]
    public void Smcd_cursor_flags_are_numbered_from_the_least_significant_bit()
    {
        var prod = Assert.IsType<BitfieldType>(Spec("smc").Struct("smcd_cdc_cursor").Field("prod_flags").Type);
        Assert.Equal(0x80UL, prod.Members.Single(m => m.Name == "write_blocked").Mask);
        Assert.Equal(0x08UL, prod.Members.Single(m => m.Name == "failover_validation").Mask);
        var conn = Assert.IsType<BitfieldType>(Spec("smc").Struct("smcd_cdc_cursor").Field("conn_state_flags").Type);
        Assert.Equal(0x20UL, conn.Members.Single(m => m.Name == "peer_conn_abort").Mask);
    }

    [Fact]
    public void Dibs_event_is_48_bytes()
    {
        var ev = Spec("dibs").Struct("dibs_event");
        AssertLayout(ev, 48, ("type", 0), ("subtype", 4), ("gid", 8), ("buffer_tok", 24), ("time", 32), ("data", 40));
        Assert.True(ev.HostOrder);
    }

    [Fact]
    public void Dibs_dmb_is_56_bytes_with_host_only_addresses()
    {
        var dmb = Spec("dibs").Struct("dibs_dmb");
        AssertLayout(dmb, 56, ("dmb_tok", 0), ("rgid", 8), ("cpu_addr", 24), ("dmb_len", 32), ("idx", 36),
            ("vlan_valid", 40), ("vlan_id", 44), ("dma_addr", 48));
        Assert.Equal(new[] { "cpu_addr", "dma_addr" }, dmb.Fields.Where(f => f.IsHostOnly).Select(f => f.Name));
    }

    [Theory]
    [InlineData("virtio-ism", 1, 25)]
    [InlineData("virtio-ism", 2, 1)]
    [InlineData("dibs", 1, 1)]
    [InlineData("s390-ism", 1, 1)]
    [InlineData("smc", 1, 1)]
    [InlineData("virtio", 1, 1)]
    public void Every_spec_has_requirements(string name, ulong version, int atLeast)
    {
        var requirements = Spec(name, version).Requirements;
        Assert.True(requirements.Count >= atLeast, $"{name}@{version} has {requirements.Count} requirements, expected at least {atLeast}");
        Assert.All(requirements, r => Assert.False(string.IsNullOrWhiteSpace(r.Summary)));
    }
}
