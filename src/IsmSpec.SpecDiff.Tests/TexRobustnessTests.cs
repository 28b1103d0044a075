using FsCheck;
using FsCheck.Fluent;
using IsmSpec.SpecDiff.Tex;
using IsmSpec.SpecLanguage.Binding;

namespace IsmSpec.SpecDiff.Tests;

/// <summary>Whatever the input, import-tex returns a skeleton that binds without errors and never throws.</summary>
public class TexRobustnessTests
{
    private static readonly string[] Prose =
    [
        "\\section{A}", "\\label{x / y}", "The device MUST reply.", " It SHOULD NOT wait", " e.g. ", "\\begin{itemize}",
        "\\item", "\\end{itemize}", ":", "MUST:", "MAY", "{", "}", "[", "]", "%", "\\%", "\\field{", "\\unknown", "\n\n", "\n",
        "$", "~", "\\\\", "\"", "\\begin{lstlisting}", "\\end{lstlisting}", "\\devicenormative{\\subsubsection}{T}{L}",
    ];

    private static readonly string[] C =
    [
        "struct s { le64 a; u8 b[4]; };", "struct t { le64 num; struct s x; le32 c[]; };", "struct s {", "struct t {", "le64 a;", "u8 b[4];", "le32 c[];", "struct s x;", "struct t y;", "};", "}", ";",
        "\n#define N 4\n", "\n#define F_X (1 << 2)\n", "\n#define VIRTIO_ID_X 9\n", "u8 r[N];", "reserved", "enum e { A, B = 3 };",
        "typedef struct {", "} t;", "/*", "*/", "//", "le16 class;", "be64 spec;", "u8 reserved[2];", "le64 num;", "u16 w;",
        "struct q { struct s inner; le32 n; le64 t[]; };", "u8 *p;", "u8 bits:3;", "le32 a, b[2];", "\n", "{", "[", "]",
    ];

    private static readonly Gen<string> Documents = BuildDocuments();

    private static Gen<string> BuildDocuments()
    {
        var prose = Gen.ArrayOf(Gen.Elements(Prose)).Select(p => string.Join(" ", p));
        var listing = Gen.ArrayOf(Gen.Elements(C)).Select(c => "\n\\begin{lstlisting}\n" + string.Join(" ", c) + "\n\\end{lstlisting}\n");
        var normative = Gen.Elements("\\devicenormative{\\subsubsection}{Alloc}{Device Types / ISM Device / Alloc}\n",
                "\\drivernormative{\\subsubsection}{Attach}{Attach}\n", "\\drivernormative{x}\n")
            .SelectMany(head => prose.Select(body => head + body));
        return Gen.ArrayOf(Gen.OneOf(prose, listing, normative)).Select(blocks => string.Join("\n", blocks));
    }

    private static void ImportsAndBinds(string text)
    {
        var import = TexImporter.Import(text, "random.tex");
        var compilation = SpecCompilation.FromText(("random.ism", import.Ism));
        if (compilation.Diagnostics.Count > 0)
            throw new Exception("skeleton does not bind:\n" + string.Join("\n", compilation.Diagnostics) + "\n--- tex:\n" + text + "\n--- ism:\n" + import.Ism);
    }

    [Fact]
    public void Random_text_never_throws_and_always_binds()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), s => { ImportsAndBinds(s ?? ""); return true; })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Random_documents_of_latex_and_c_fragments_never_throw_and_always_bind()
    {
        Prop.ForAll(Documents.ToArbitrary(), text => { ImportsAndBinds(text); return true; })
            .Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithEndSize(40));
    }

    [Fact]
    public void The_document_generator_reaches_structs_constants_and_requirements()
    {
        var imports = Gen.Sample(Documents, 200, new Rnd(20261121UL), 20).Select(t => TexImporter.Import(t, "sample.tex")).ToList();
        Assert.True(imports.Count(i => i.StructCount > 0) >= 20, $"{imports.Count(i => i.StructCount > 0)} of 200 samples produce a struct");
        Assert.True(imports.Count(i => i.RequirementCount > 0) >= 20, $"{imports.Count(i => i.RequirementCount > 0)} of 200 samples produce a requirement");
        Assert.True(imports.Count(i => i.DefineCount > 0) >= 20, $"{imports.Count(i => i.DefineCount > 0)} of 200 samples produce a constant");
    }

    [Fact]
    public void The_fixture_files_cut_at_every_line_still_import_and_bind()
    {
        foreach (var name in new[] { "shm-device-v1.tex", "shm-device-v2.tex", "messy.tex" })
        {
            var lines = File.ReadAllLines(TexImportTests.Fixture(name));
            for (int i = 0; i <= lines.Length; i++) ImportsAndBinds(string.Join("\n", lines.Take(i)));
        }
    }
}
