using static IsmSpec.SpecLanguage.Tests.SpecTest;

namespace IsmSpec.SpecLanguage.Tests;

/// <summary>ISM0009 (command payload), ISM0010 (empty summary), ISM0015 (command codes and ack members).</summary>
public class CommandDiagnosticTests
{
    private const string Status = "enum status : u8 { OK = 0; ERR = 1; }";
    private const string ReturnCode = "enum rc : be16 { OK = 0; ERR = 0xFFFF; }";
    private const string IsmHeaders =
        "struct req_hdr { be32 cmd; be16 res; be16 len; } struct resp_hdr { be32 cmd; be16 ret; be16 len; }";

    private static string VirtioSet(params string[] commands) =>
        Lines(new[] { Header, Status, "commandset c framing virtio_ctrl {", "  ack status ok OK error ERR;" }
            .Concat(commands).Append("}").ToArray());

    [Fact]
    public void ISM0009_request_naming_an_unknown_struct_points_at_the_name()
    {
        var d = Single(VirtioSet("  command x (class 0, code 0) { request nosuch; }"), "ISM0009", "nosuch", 4, 40);
        Assert.Contains("unknown struct 'nosuch'", d.Message);
    }

    [Fact]
    public void ISM0009_reply_naming_a_flags_type_points_at_the_name()
    {
        var text = VirtioSet("  command x (class 0, code 0) { reply status; }");
        var d = Single(text, "ISM0009", "status", 4, 38);
        Assert.Contains("must be a struct", d.Message);
    }

    [Fact]
    public void ISM0009_virtio_command_given_a_union_points_at_the_union_name()
    {
        var text = Lines(Header, Status, "union u { view request { u8 a; } }",
            "commandset c framing virtio_ctrl {", "  ack status ok OK error ERR;", "  command x (class 0, code 0) union u;", "}");
        Single(text, "ISM0009", "u", 5, 36);
    }

    [Fact]
    public void ISM0009_ism_command_naming_a_struct_instead_of_a_union_points_at_the_name()
    {
        var text = Lines(Header, ReturnCode, "struct plain { u8 a; }",
            "commandset c framing ism_block {", "  ack rc ok OK error ERR;", "  command x (code 1) union plain;", "}");
        var d = Single(text, "ISM0009", "plain", 5, 27);
        Assert.Contains("not a union", d.Message);
    }

    [Fact]
    public void ISM0009_ism_command_union_without_a_response_view_points_at_the_union_name()
    {
        var text = Lines(Header, ReturnCode, IsmHeaders, "union u { view request { req_hdr hdr; } }",
            "commandset c framing ism_block {", "  ack rc ok OK error ERR;", "  command x (code 1) union u;", "}");
        var d = Single(text, "ISM0009", "u", 6, 27);
        Assert.Contains("'request' and 'response'", d.Message);
    }

    [Fact]
    public void ISM0009_ism_command_union_whose_views_lack_the_headers_points_at_the_union_name()
    {
        var text = Lines(Header, ReturnCode, "union u { view request { be64 a; } view response { be64 b; } }",
            "commandset c framing ism_block {", "  ack rc ok OK error ERR;", "  command x (code 1) union u;", "}");
        var d = Single(text, "ISM0009", "u", 5, 27);
        Assert.Contains("header", d.Message);
    }

    [Fact]
    public void ISM0009_ism_block_ack_that_is_not_be16_points_at_the_ack_type()
    {
        var text = Lines(Header, Status, "commandset c framing ism_block {", "  ack status ok OK error ERR;", "}");
        Single(text, "ISM0009", "status", 3, 6);
    }

    [Fact]
    public void ISM0010_empty_requirement_summary_points_at_the_summary_string()
    {
        var d = Single(Lines(Header, "requirement R-1 device MUST \"\" section \"s\";"), "ISM0010", "\"\"", 1, 28);
        Assert.Contains("R-1", d.Message);
    }

    [Fact]
    public void ISM0010_blank_requirement_summary_points_at_the_summary_string()
    {
        Single(Lines(Header, "requirement R-2 driver MUST NOT \"   \" section \"s\";"), "ISM0010", "\"   \"", 1, 32);
    }

    [Fact]
    public void ISM0015_duplicate_class_and_code_points_at_the_second_code()
    {
        var text = VirtioSet(
            "  command a (class 1, code 2) { request { le64 x; } }",
            "  command b (class 1, code 2) { request { le64 y; } }");
        var d = Single(text, "ISM0015", "2", 5, 27);
        Assert.Contains("'a'", d.Message);
    }

    [Fact]
    public void Same_code_in_different_classes_is_allowed()
    {
        var spec = Bind(Status, "commandset c framing virtio_ctrl {", "  ack status ok OK error ERR;",
            "  command a (class 1, code 0) { request { le64 x; } }",
            "  command b (class 2, code 0) { request { le64 y; } }", "}");
        Assert.Equal(2, Assert.Single(spec.CommandSets).Commands.Count);
    }

    [Fact]
    public void ISM0015_duplicate_ism_code_points_at_the_second_code()
    {
        var text = Lines(Header, ReturnCode, IsmHeaders,
            "union u { view request { req_hdr hdr; } view response { resp_hdr hdr; } }",
            "commandset c framing ism_block {", "  ack rc ok OK error ERR;",
            "  command a (code 0xA) union u;", "  command b (code 10) union u;", "}");
        Single(text, "ISM0015", "10", 7, 18);
    }

    [Fact]
    public void ISM0015_ack_member_missing_from_the_ack_enum_points_at_the_member()
    {
        var text = Lines(Header, Status, "commandset c framing virtio_ctrl {", "  ack status ok OK error FAIL;", "}");
        var d = Single(text, "ISM0015", "FAIL", 3, 25);
        Assert.Contains("not a member of 'status'", d.Message);
    }

    [Fact]
    public void ISM0015_command_set_without_an_ack_line_points_at_the_set_name()
    {
        Single(Lines(Header, "commandset c framing virtio_ctrl {", "}"), "ISM0015", "c", 1, 11);
    }
}
