using IsmSpec.SpecLanguage.Binding;
using IsmSpec.SpecLanguage.Diagnostics;
using static IsmSpec.SpecLanguage.Tests.SpecTest;

namespace IsmSpec.SpecLanguage.Tests;

/// <summary>ISM0001 (syntax), ISM0011 (header), ISM0017 (hyphenated name), ISM0018 (namespace conflict).</summary>
public class SyntaxDiagnosticTests
{
    [Fact]
    public void ISM0001_missing_semicolon_points_at_the_token_found_instead()
    {
        var d = Single(Lines(Header, "struct s { le32 a }"), "ISM0001", "}", 1, 18);
        Assert.Contains("expected ';'", d.Message);
    }

    [Fact]
    public void ISM0001_unterminated_string_covers_the_string_up_to_the_end_of_the_line()
    {
        var d = Single(Lines(Header, "const A = 1 \"open", ";"), "ISM0001", "\"open", 1, 12);
        Assert.Contains("unterminated string", d.Message);
    }

    [Fact]
    public void ISM0001_unterminated_comment_points_at_its_opening()
    {
        var d = Single(Lines(Header, "const A = 1;", "/* never closed"), "ISM0001", "/*", 2, 0);
        Assert.Contains("unterminated comment", d.Message);
    }

    [Fact]
    public void ISM0001_bad_character_is_reported_and_skipped()
    {
        var d = Single(Lines(Header, "const A = 1#;"), "ISM0001", "#", 1, 11);
        Assert.Contains("unexpected character", d.Message);
    }

    [Theory]
    [InlineData("0x")]
    [InlineData("12ab")]
    [InlineData("0b102")]
    public void ISM0001_malformed_number_covers_the_whole_number(string number)
    {
        var d = Single(Lines(Header, $"const A = {number};"), "ISM0001", number, 1, 10);
        Assert.Contains("malformed number", d.Message);
    }

    [Fact]
    public void ISM0001_unexpected_top_level_word_points_at_it()
    {
        var d = Single(Lines(Header, "struct s { le32 a; }", "garbage;"), "ISM0001", "garbage", 2, 0);
        Assert.Contains("expected a declaration", d.Message);
    }

    [Fact]
    public void ISM0001_unknown_framing_points_at_the_framing_name()
    {
        var text = Lines(Header, "enum st : u8 { OK = 0; ERR = 1; }", "commandset c framing pci_bar {", "  ack st ok OK error ERR;", "}");
        Single(text, "ISM0001", "pci_bar", 2, 21);
    }

    [Fact]
    public void ISM0001_unknown_requirement_role_points_at_the_role()
    {
        Single(Lines(Header, "requirement R-1 guest MUST \"x\" section \"s\";"), "ISM0001", "guest", 1, 16);
    }

    [Fact]
    public void ISM0011_missing_header_points_at_the_first_token()
    {
        var d = Single(Lines("struct s { le32 a; }"), "ISM0011", "struct", 0, 0);
        Assert.Contains("spec NAME version N", d.Message);
    }

    [Fact]
    public void ISM0011_empty_file_points_at_the_end_of_file()
    {
        Single("", "ISM0011", "", 0, 0);
    }

    [Fact]
    public void ISM0011_header_without_version_points_at_the_unexpected_token()
    {
        var d = Single(Lines("spec demo;"), "ISM0011", ";", 0, 9);
        Assert.Contains("'version'", d.Message);
    }

    [Fact]
    public void ISM0011_header_with_a_non_numeric_version_points_at_the_version()
    {
        Single(Lines("spec demo version one;"), "ISM0011", "one", 0, 18);
    }

    [Fact]
    public void ISM0011_second_header_points_at_its_spec_keyword()
    {
        var d = Single(Lines(Header, "spec demo version 2;"), "ISM0011", "spec", 1, 0);
        Assert.Contains("first and only once", d.Message);
    }

    [Fact]
    public void ISM0017_hyphenated_constant_name_covers_the_whole_name()
    {
        Single(Lines(Header, "const my-const = 1;"), "ISM0017", "my-const", 1, 6);
    }

    [Fact]
    public void ISM0017_hyphenated_field_name_covers_the_whole_name()
    {
        Single(Lines(Header, "struct s { le32 a-b; }"), "ISM0017", "a-b", 1, 16);
    }

    [Fact]
    public void ISM0017_minus_without_spaces_in_an_expression_reads_as_one_name()
    {
        var d = Single(Lines(Header, "const a = 2;", "const b = a-1;"), "ISM0017", "a-1", 2, 10);
        Assert.Contains("a - 1", d.Message);
    }

    [Fact]
    public void ISM0017_minus_without_spaces_in_an_array_length_reads_as_one_name()
    {
        Single(Lines(Header, "const n = 2;", "struct s { u8 d[n-1]; }"), "ISM0017", "n-1", 2, 16);
    }

    [Fact]
    public void Hyphenated_spec_names_and_requirement_ids_are_allowed()
    {
        var c = Compile(Lines("spec virtio-ism version 1;", "requirement VISM-ALLOC-4 device MUST \"x\" section \"s\";"));
        Assert.Empty(c.Diagnostics);
        Assert.Equal("IsmSpec.Specs.VirtioIsm", Assert.Single(c.Specs).Namespace);
    }

    [Fact]
    public void ISM0018_conflicting_namespace_points_at_the_second_namespace()
    {
        var files = new[]
        {
            ("a.ism", Lines("spec demo version 1 namespace One.Two;", "const A = 1;")),
            ("b.ism", Lines("spec demo version 1 namespace Three.Four;", "const B = 2;")),
        };
        var d = Single(files, "ISM0018", "Three.Four", 0, 30);
        Assert.Equal("b.ism", d.Span.Path);
        Assert.Contains("One.Two", d.Message);
    }

    [Fact]
    public void Same_namespace_repeated_or_omitted_in_other_files_is_no_conflict()
    {
        var c = SpecCompilation.FromText(
            ("a.ism", Lines("spec demo version 1 namespace My.Ns;", "const A = 1;")),
            ("b.ism", Lines("spec demo version 1 namespace My.Ns;", "const B = 2;")),
            ("c.ism", Lines("spec demo version 1;", "const C = 3;")));
        Assert.Empty(c.Diagnostics);
        Assert.Equal("My.Ns", Assert.Single(c.Specs).Namespace);
    }

    [Fact]
    public void Different_versions_may_use_different_namespaces()
    {
        var c = SpecCompilation.FromText(
            ("a.ism", Lines("spec demo version 1;", "const A = 1;")),
            ("b.ism", Lines("spec demo version 2;", "const A = 2;")));
        Assert.Empty(c.Diagnostics);
        Assert.Equal(new[] { "IsmSpec.Specs.Demo", "IsmSpec.Specs.Demo.V2" }, c.Specs.Select(s => s.Namespace));
    }

    [Fact]
    public void Every_diagnostic_id_has_a_title_and_a_readme_row()
    {
        var readme = TryReadReadme();
        for (int i = 1; i <= 18; i++)
        {
            var id = $"ISM{i:D4}";
            Assert.NotEqual("Spec diagnostic", DiagnosticIds.Title(id));
            if (readme != null) Assert.Contains($"| {id} |", readme);
        }
    }

    private static string? TryReadReadme()
    {
        var root = ShippedSpecs.FindRepositoryRoot();
        var path = root == null ? null : Path.Combine(root, "spec", "README.md");
        return path != null && File.Exists(path) ? File.ReadAllText(path) : null;
    }
}
