using IsmSpec.SpecDiff.Input;

namespace IsmSpec.SpecDiff.Tests;

/// <summary><c>ismspec diff A.tex B.tex</c> works directly on two versions of a LaTeX section.</summary>
public class TexDiffTests
{
    [Fact]
    public void Diffing_two_tex_versions_reports_layout_id_and_normative_changes_at_tex_lines()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = DiffRunner.Run(TexImportTests.Fixture("shm-device-v1.tex"), TexImportTests.Fixture("shm-device-v2.tex"), "json", "wire", stdout, stderr);
        Assert.Equal(DiffRunner.Failed, code);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout.ToString());
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => $"{f.GetProperty("ruleId").GetString()} {f.GetProperty("path").GetString()}");
        const string spec = "shm-device-v1->shm-device-v2";
        Assert.Contains($"DEVICE-ID-CHANGED {spec}/device_id:VIRTIO_ID_SHMDEMO", findings.Keys);
        Assert.Contains($"FIELD-MOVED {spec}/type:virtio_shmdemo_grant.peer", findings.Keys);
        Assert.Contains($"RESERVED-FIELD-USED {spec}/type:virtio_shmdemo_config.max_peers", findings.Keys);
        Assert.Contains($"REQ-ADDED {spec}/requirement:TEX-DEVICE-SHARED-MEMORY-DEMO-CONTROL-REQUESTS-4", findings.Keys);
        var level = findings[$"REQ-LEVEL-CHANGED {spec}/requirement:TEX-DEVICE-SHARED-MEMORY-DEMO-DEVICE-CONFIGURATION-LAYOUT-2"];
        Assert.Equal("SHOULD NOT", level.GetProperty("oldValue").GetString());
        Assert.Equal("MAY", level.GetProperty("newValue").GetString());

        var peer = findings[$"FIELD-MOVED {spec}/type:virtio_shmdemo_grant.peer"];
        Assert.EndsWith("shm-device-v1.tex", peer.GetProperty("oldLocation").GetProperty("file").GetString());
        Assert.Equal(57, peer.GetProperty("oldLocation").GetProperty("line").GetInt32());
        Assert.Equal(54, peer.GetProperty("newLocation").GetProperty("line").GetInt32());
        Assert.Contains("warning TEX", stderr.ToString());
    }

    [Fact]
    public void A_tex_file_against_itself_reports_nothing()
    {
        var path = TexImportTests.Fixture("shm-device-v1.tex");
        var stdout = new StringWriter();
        Assert.Equal(DiffRunner.Ok, DiffRunner.Run(path, path, "text", "any", stdout, new StringWriter()));
        Assert.Contains("no changes", stdout.ToString());
    }

    [Fact]
    public void Import_tex_runner_prints_a_skeleton_and_exits_0_or_2()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(0, ImportTexRunner.Run(TexImportTests.Fixture("shm-device-v1.tex"), null, stdout, stderr));
        Assert.StartsWith("spec shm-device-v1 version 1;", stdout.ToString());
        Assert.Contains("5 struct(s), 5 constant(s), 6 requirement(s)", stderr.ToString());

        var missing = new StringWriter();
        Assert.Equal(2, ImportTexRunner.Run("/no/such/file.tex", null, new StringWriter(), missing));
        Assert.Single(missing.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Import_tex_writes_the_skeleton_to_a_file_with_o()
    {
        var dir = Directory.CreateTempSubdirectory("ismspec-tex-");
        try
        {
            var output = Path.Combine(dir.FullName, "out.ism");
            Assert.Equal(0, ImportTexRunner.Run(TexImportTests.Fixture("messy.tex"), output, new StringWriter(), new StringWriter()));
            Assert.StartsWith("spec messy version 1;", File.ReadAllText(output));
        }
        finally { dir.Delete(true); }
    }
}
