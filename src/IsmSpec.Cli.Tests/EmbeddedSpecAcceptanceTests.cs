using System.Text.Json;
using IsmSpec.SpecLanguage.Binding;

namespace IsmSpec.Cli.Tests;

/// <summary>
/// The acceptance commands against the specs embedded in the tool (spec/** of this repository). They
/// follow the transcription: if a spec changes these numbers, the spec is checked against its source first.
/// </summary>
public sealed class EmbeddedSpecAcceptanceTests
{
    private static JsonElement Json(params string[] args)
    {
        var r = CliResult.Run(args);
        r.AssertOk();
        return JsonDocument.Parse(r.Out).RootElement;
    }

    private static JsonElement Field(JsonElement fields, string name) =>
        fields.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);

    [Fact]
    public void Layout_ism_reg_dmb_json()
    {
        var root = Json("layout", "ism_reg_dmb", "--json");
        Assert.Equal("ism_reg_dmb", root.GetProperty("name").GetString());
        Assert.Equal("s390-ism@1", root.GetProperty("spec").GetString());
        Assert.Equal(64, root.GetProperty("size").GetInt32());
        var views = root.GetProperty("views").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
        var request = views["request"];
        Assert.Equal(40, request.GetProperty("size").GetInt32());
        var rgid = Field(request.GetProperty("fields"), "rgid");
        Assert.Equal(32, rgid.GetProperty("offset").GetInt32());
        Assert.Equal(8, rgid.GetProperty("size").GetInt32());
        Assert.Equal("be", rgid.GetProperty("endian").GetString());
        var dmbTok = Field(views["response"].GetProperty("fields"), "dmb_tok");
        Assert.Equal(8, dmbTok.GetProperty("offset").GetInt32());
        Assert.Equal(32, Field(root.GetProperty("fields"), "request.rgid").GetProperty("offset").GetInt32());
    }

    private const string ConfigHex = "0100000000000000020000000000000000001000000000000010000000000000";

    [Fact]
    public void Decode_virtio_ism_config_little_endian()
    {
        // virtio_ism_config is declared by virtio-ism@1 and @2: the bare name means the first draft.
        var r = CliResult.Run("decode", "virtio_ism_config", ConfigHex);
        r.AssertOk();
        Assert.Equal(
        [
            "virtio_ism_config (virtio-ism@1): 32 bytes",
            "byte order: le",
            "    0  gid         = 1 (0x1)",
            "    8  devid       = 2 (0x2)",
            "   16  region_size = 1048576 (0x100000)",
            "   24  notify_size = 4096 (0x1000)",
        ], r.OutLines);

        var json = Json("decode", "virtio_ism_config", ConfigHex, "--json").GetProperty("fields");
        Assert.Equal(1UL, Field(json, "gid").GetProperty("value").GetUInt64());
        Assert.Equal(2UL, Field(json, "devid").GetProperty("value").GetUInt64());
        Assert.Equal(0x100000UL, Field(json, "region_size").GetProperty("value").GetUInt64());
        Assert.Equal(0x1000UL, Field(json, "notify_size").GetProperty("value").GetUInt64());
    }

    [Fact]
    public void Decode_qualified_virtio_ism_config_of_version_2_reads_chunk_size()
    {
        var r = CliResult.Run("decode", "virtio-ism@2:virtio_ism_config", ConfigHex);
        r.AssertOk();
        Assert.Contains("chunk_size", r.Out);
        Assert.StartsWith("virtio_ism_config (virtio-ism@2)", r.OutLines[0]);
    }

    [Fact]
    public void Requirements_of_virtio_ism_json_are_complete()
    {
        var expected = SpecCompilation.Load(Path.Combine(RepositoryRoot(), "spec", "virtio-ism")).Specs
            .SelectMany(s => s.Requirements.Select(r => (s.Version, r))).ToList();
        Assert.NotEmpty(expected);
        var items = Json("requirements", "--spec", "virtio-ism", "--json").EnumerateArray().ToList();
        Assert.Equal(expected.Count, items.Count);
        foreach (var (version, req) in expected)
        {
            var item = items.Single(i => i.GetProperty("id").GetString() == req.Id);
            Assert.Equal("virtio-ism", item.GetProperty("spec").GetString());
            Assert.Equal(version, item.GetProperty("version").GetUInt64());
            Assert.Equal(req.Role.ToString().ToLowerInvariant(), item.GetProperty("role").GetString());
            Assert.Contains(item.GetProperty("level").GetString(), new[] { "MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY" });
            Assert.Equal(req.Section, item.GetProperty("section").GetString());
            Assert.Equal(req.Summary, item.GetProperty("summary").GetString());
            Assert.False(string.IsNullOrWhiteSpace(item.GetProperty("summary").GetString()));
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "IsmSpec.sln"))) return dir.FullName;
        throw new InvalidOperationException("IsmSpec.sln not found above " + AppContext.BaseDirectory);
    }
}
