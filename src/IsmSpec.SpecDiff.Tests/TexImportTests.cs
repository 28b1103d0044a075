using IsmSpec.SpecDiff.Tex;
using IsmSpec.SpecLanguage.Binding;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Tests;

/// <summary>import-tex on the project's own LaTeX fixtures: structs, defines, both kinds of normative block.</summary>
public class TexImportTests
{
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "TexFixtures", name);

    internal static (TexImport Import, SpecModel Spec) ImportAndBind(string name)
    {
        var import = TexImporter.Import(File.ReadAllText(Fixture(name)), Fixture(name));
        var compilation = SpecCompilation.FromText((name + ".ism", import.Ism));
        Assert.True(compilation.Diagnostics.Count == 0, string.Join("\n", compilation.Diagnostics) + "\n" + import.Ism);
        return (import, compilation.Specs.Single());
    }

    [Fact]
    public void Structs_come_from_lstlisting_blocks_with_byte_orders_arrays_and_tails()
    {
        var (import, spec) = ImportAndBind("shm-device-v1.tex");
        Assert.Equal("shm-device-v1", spec.Name);
        Assert.Equal(1UL, spec.Version);
        Assert.Equal(5, import.StructCount);

        var config = (StructType)spec.FindType("virtio_shmdemo_config")!;
        Assert.Equal(32, config.Size);
        var name = config.Fields.Single(f => f.Name == "name");
        Assert.Equal(16, name.ArrayLength);
        Assert.True(config.Fields.Single(f => f.Name == "reserved").IsReserved);
        Assert.Contains("u8 name[SHMDEMO_NAME_LEN];", import.Ism);

        var grant = (StructType)spec.FindType("virtio_shmdemo_grant")!;
        Assert.Equal(["token", "peer", "permissions", "flags"], grant.Fields.Select(f => f.Name));
        Assert.Equal(ByteOrder.Big, grant.Fields.Single(f => f.Name == "permissions").ByteOrder);
        Assert.Equal(ByteOrder.Little, grant.Fields.Single(f => f.Name == "flags").ByteOrder);

        var reply = (StructType)spec.FindType("virtio_shmdemo_alloc_reply")!;
        Assert.Equal("num", reply.Tail!.CountField!.Name);
        Assert.Equal("virtio_shmdemo_area", reply.Tail.Type.Name);
    }

    [Fact]
    public void Defines_become_constants_features_and_device_ids()
    {
        var (_, spec) = ImportAndBind("shm-device-v1.tex");
        Assert.Equal(70UL, spec.DeviceIds.Single(d => d.Name == "VIRTIO_ID_SHMDEMO").Value);
        Assert.Equal(0, spec.Features.Single(f => f.Name == "VIRTIO_SHMDEMO_F_EVENTS").Bit);
        Assert.Equal(16UL, spec.Constants.Single(c => c.Name == "SHMDEMO_NAME_LEN").Value);
        Assert.Equal(2UL, spec.Constants.Single(c => c.Name == "SHMDEMO_PERM_WRITE").Value);
        Assert.DoesNotContain(spec.Constants, c => c.Name == "SHMDEMO_MAX"); // function-like macro: skipped
    }

    [Fact]
    public void Each_MUST_SHOULD_MAY_sentence_of_both_normative_kinds_is_one_requirement()
    {
        var (_, spec) = ImportAndBind("shm-device-v1.tex");
        var reqs = spec.Requirements.ToDictionary(r => r.Id);
        Assert.Equal(6, reqs.Count);
        const string layout = "Device Types / Shared Memory Demo Device / Device configuration layout";
        var first = reqs["TEX-DEVICE-SHARED-MEMORY-DEMO-DEVICE-CONFIGURATION-LAYOUT-1"];
        Assert.Equal((RequirementRole.Device, RequirementLevel.Must, layout), (first.Role, first.Level, first.Section));
        Assert.Equal(RequirementLevel.ShouldNot, reqs["TEX-DEVICE-SHARED-MEMORY-DEMO-DEVICE-CONFIGURATION-LAYOUT-2"].Level);
        var driver = reqs["TEX-DRIVER-SHARED-MEMORY-DEMO-DEVICE-CONFIGURATION-LAYOUT-1"];
        Assert.Equal((RequirementRole.Driver, RequirementLevel.MustNot), (driver.Role, driver.Level));
        Assert.Equal(RequirementLevel.May, reqs["TEX-DEVICE-SHARED-MEMORY-DEMO-CONTROL-REQUESTS-3"].Level);
    }

    [Fact]
    public void A_lead_in_ending_in_a_colon_lends_its_level_to_the_items()
    {
        var (import, spec) = ImportAndBind("shm-device-v1.tex");
        var items = spec.Requirements.Where(r => r.Id.StartsWith("TEX-DEVICE-SHARED-MEMORY-DEMO-CONTROL-REQUESTS-")).ToList();
        Assert.Equal([RequirementLevel.Must, RequirementLevel.Must, RequirementLevel.May], items.Select(r => r.Level));
        Assert.Contains("// device normative, tex line 78: The device MUST: zero every byte of a region before handing it out,", import.Ism);
    }

    [Fact]
    public void Summaries_are_placeholders_and_the_sentence_only_appears_in_a_comment()
    {
        var (import, spec) = ImportAndBind("shm-device-v1.tex");
        foreach (var r in spec.Requirements)
        {
            Assert.StartsWith("TODO: summarise in our own words", r.Summary);
            Assert.DoesNotContain("window_size", r.Summary);
            Assert.DoesNotContain("device", r.Summary);
        }
        var sentence = "The driver MUST NOT write to any field of the configuration layout.";
        var line = import.Ism.Split('\n').Single(l => l.Contains(sentence));
        Assert.StartsWith("//", line);
    }

    [Fact]
    public void Unknown_macros_are_skipped_with_a_warning()
    {
        var (import, spec) = ImportAndBind("shm-device-v1.tex");
        Assert.Contains(import.Warnings, w => w.Line == 42 && w.Message.Contains("\\mysterymacro"));
        Assert.Contains(import.Warnings, w => w.Message.Contains("SHMDEMO_MAX"));
        Assert.Contains(import.Warnings, w => w.Message.Contains("tail sized by num"));
        Assert.NotEmpty(spec.Requirements);
    }

    [Fact]
    public void Ism_lines_map_back_to_tex_lines()
    {
        var import = TexImporter.Import(File.ReadAllText(Fixture("shm-device-v1.tex")), "shm-device-v1.tex");
        var lines = import.Ism.Split('\n');
        int driverLine = Array.FindIndex(lines, l => l.StartsWith("requirement TEX-DRIVER-", StringComparison.Ordinal)) + 1;
        Assert.Equal(45, import.TexLineOf(driverLine));
        int grantLine = Array.FindIndex(lines, l => l == "  le64 peer;") + 1;
        Assert.Equal(57, import.TexLineOf(grantLine));
    }

    [Fact]
    public void A_malformed_file_imports_what_it_can_and_warns_about_the_rest()
    {
        var (import, spec) = ImportAndBind("messy.tex");
        Assert.Equal(2, spec.Requirements.Count);
        Assert.All(spec.Requirements, r => Assert.Equal("Only a title", r.Section));
        Assert.Equal(["a", "c", "d"], ((StructType)spec.FindType("typedef_struct")!).Fields.Select(f => f.Name));
        Assert.Equal(16UL, spec.Constants.Single(c => c.Name == "GOOD").Value);
        Assert.Equal(6UL, spec.Constants.Single(c => c.Name == "BLUE").Value);
        foreach (var expected in new[] { "has no \\end{lstlisting}", "bit-fields", "pointers", "unknown type 'nothere'", "recursive",
                     "unknown environment strangeenv", "\\unknown", "after a variable-length tail", "declared twice", "needs {sectioning}" })
            Assert.Contains(import.Warnings, w => w.Message.Contains(expected));
    }

    [Theory]
    [InlineData("Device Types / ISM Device / Alloc", "ISM-ALLOC")]
    [InlineData("sec:Device Types / Network Device / Device Operation", "NETWORK-DEVICE-OPERATION")]
    [InlineData("ism-alloc", "ISM-ALLOC")]
    [InlineData("%%%", "SECTION")]
    public void Labels_become_requirement_id_parts(string label, string expected) =>
        Assert.Equal(expected, RequirementExtractor.LabelToId(label));

    [Theory]
    [InlineData("virtio-ism v2.tex", "virtio-ism-v2")]
    [InlineData("/a/b/2024_ISM.tex", "tex-2024-ism")]
    [InlineData(".tex", "imported")]
    public void Spec_names_come_from_the_file_name(string file, string expected) =>
        Assert.Equal(expected, TexImporter.SpecNameFromFile(file));
}
