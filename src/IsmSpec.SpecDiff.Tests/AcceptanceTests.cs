using IsmSpec.SpecDiff.Engine;
using IsmSpec.SpecDiff.Input;
using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecLanguage.Binding;

namespace IsmSpec.SpecDiff.Tests;

/// <summary>The issue's acceptance: virtio-ism first draft (v1) against the chunk/area generation (v2).</summary>
public class AcceptanceTests
{
    private static readonly string V1 = RepoPaths.Spec("virtio-ism", "v1");
    private static readonly string V2 = RepoPaths.Spec("virtio-ism", "v2");

    private static DiffReport DiffV1V2()
    {
        var old = SpecCompilation.Load(V1);
        var neu = SpecCompilation.Load(V2);
        Assert.False(old.HasErrors, string.Join("\n", old.Diagnostics));
        Assert.False(neu.HasErrors, string.Join("\n", neu.Diagnostics));
        return SpecDiffer.Diff(old.Specs, neu.Specs);
    }

    private static Finding Single(DiffReport report, string ruleId, string path)
    {
        var matches = report.Findings.Where(f => f.RuleId == ruleId && f.Path == path).ToList();
        Assert.True(matches.Count == 1, $"expected one {ruleId} at {path}; report has:\n" +
            string.Join("\n", report.Findings.Select(FixtureLoader.Line)));
        return matches[0];
    }

    [Fact]
    public void Device_id_43_to_44_is_wire_breaking()
    {
        var f = Single(DiffV1V2(), "DEVICE-ID-CHANGED", "virtio-ism/device_id:VIRTIO_ID_ISM");
        Assert.Equal(DiffClass.WireBreaking, f.Class);
        Assert.Equal(("VIRTIO_ID_ISM=43", "VIRTIO_ID_ISM=44"), (f.OldValue, f.NewValue));
    }

    [Fact]
    public void Alloc_reply_layout_change_is_wire_breaking()
    {
        var report = DiffV1V2();
        var f = Single(report, "COMMAND-REPLY-CHANGED", "virtio-ism/commandset:virtio_ism_ctrl.alloc.reply");
        Assert.Equal(DiffClass.WireBreaking, f.Class);
        Assert.Contains("offset:le64@8", f.OldValue);
        Assert.Contains("area:virtio_ism_area[num]@16", f.NewValue);
        Single(report, "TAIL-ADDED", "virtio-ism/type:virtio_ism_alloc_reply.area");
    }

    [Fact]
    public void Detach_keyed_by_token_instead_of_offset_is_wire_breaking()
    {
        var report = DiffV1V2();
        var field = Single(report, "FIELD-MEANING-CHANGED", "virtio-ism/type:virtio_ism_detach_request.offset");
        Assert.Equal(("offset", "token"), (field.OldValue, field.NewValue));
        Assert.Equal(DiffClass.WireBreaking, field.Class);
        var command = Single(report, "COMMAND-REQUEST-CHANGED", "virtio-ism/commandset:virtio_ism_ctrl.detach.request");
        Assert.Equal(DiffClass.WireBreaking, command.Class);
    }

    [Fact]
    public void Grant_field_order_change_is_wire_breaking()
    {
        var report = DiffV1V2();
        var peer = Single(report, "FIELD-MOVED", "virtio-ism/type:virtio_ism_grant_request.peer_devid");
        var perms = Single(report, "FIELD-MOVED", "virtio-ism/type:virtio_ism_grant_request.permissions");
        Assert.Equal(("@8", "@16"), (peer.OldValue, peer.NewValue));
        Assert.Equal(("@16", "@8"), (perms.OldValue, perms.NewValue));
        Assert.Contains("field order changed", peer.Message);
        Assert.All([peer, perms], f => Assert.Equal(DiffClass.WireBreaking, f.Class));
        Single(report, "FIELD-MEANING-CHANGED", "virtio-ism/type:virtio_ism_grant_request.offset");
    }

    [Fact]
    public void Permission_bit_4_changed_meaning_is_wire_breaking()
    {
        var f = Single(DiffV1V2(), "ENUM-MEMBER-MEANING-CHANGED", "virtio-ism/type:virtio_ism_perm.DENY_OTHER");
        Assert.Equal(("DENY_OTHER=1 << 4", "CLEAN_DEFAULT=1 << 4"), (f.OldValue, f.NewValue));
        Assert.Equal(DiffClass.WireBreaking, f.Class);
    }

    [Fact]
    public void Ack_value_set_change_is_wire_breaking()
    {
        var f = Single(DiffV1V2(), "ACK-SET-CHANGED", "virtio-ism/commandset:virtio_ism_ctrl.ack");
        Assert.Equal(DiffClass.WireBreaking, f.Class);
        Assert.Contains("ERR=1", f.OldValue);
        Assert.Contains("ERR=255", f.NewValue);
    }

    [Fact]
    public void Grant_matched_by_class_and_code_reads_as_a_rename()
    {
        var f = Single(DiffV1V2(), "COMMAND-RENAMED", "virtio-ism/commandset:virtio_ism_ctrl.grant");
        Assert.Equal(("grant", "grant_set_default"), (f.OldValue, f.NewValue));
    }

    [Fact]
    public void Cli_diff_of_v1_and_v2_exits_1()
    {
        var (code, stdout, _) = Run(V1, V2);
        Assert.Equal(DiffRunner.Failed, code);
        Assert.Matches(@"\d+ wire-breaking, \d+ source-breaking, \d+ compatible, \d+ normative", stdout);
    }

    [Theory]
    [InlineData("virtio-ism/v1")]
    [InlineData("virtio-ism/v2")]
    [InlineData("")]
    public void A_spec_against_itself_reports_nothing_and_exits_0(string relative)
    {
        var path = RepoPaths.Spec(relative.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var (code, stdout, stderr) = Run(path, path, "any");
        Assert.True(code == DiffRunner.Ok, stderr);
        Assert.Contains("no changes", stdout);
        Assert.Contains("0 wire-breaking, 0 source-breaking, 0 compatible, 0 normative", stdout);
    }

    [Fact]
    public void Fingerprints_are_identical_across_runs()
    {
        var first = DiffV1V2().Findings.Select(f => f.Fingerprint).ToList();
        var second = DiffV1V2().Findings.Select(f => f.Fingerprint).ToList();
        Assert.NotEmpty(first);
        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct().Count());
    }

    internal static (int Code, string Stdout, string Stderr) Run(string oldPath, string newPath, string failOn = "wire", string format = "text")
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = DiffRunner.Run(oldPath, newPath, format, failOn, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
