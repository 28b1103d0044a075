using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.SpecLanguage.Binding;
using Xunit.Abstractions;

namespace IsmSpec.SpecLanguage.Tests;

/// <summary>
/// Random and mutated spec text never makes <see cref="SpecCompilation.Create"/> throw, and every diagnostic
/// has a valid span inside its file. Fixed replay seeds keep CI deterministic; set ISMSPEC_PROPERTY_SEED
/// (a number) to explore other seeds. The seed in use is part of every failure message.
/// </summary>
public class RobustnessProperties
{
    private const int Cases = 2500;
    private readonly ITestOutputHelper _output;

    public RobustnessProperties(ITestOutputHelper output) => _output = output;

    /// <summary>Fragments of the language: keywords, type names, numbers, strings, comments, punctuators, odd characters.</summary>
    private static readonly string[] Fragments =
    {
        "spec", "version", "namespace", "const", "device_id", "feature", "enum", "flags", "bitfield", "struct", "union",
        "view", "commandset", "framing", "virtio_ctrl", "ism_block", "ack", "ok", "error", "command", "class", "code",
        "request", "reply", "ops", "optional", "group", "opaque", "requirement", "device", "driver", "client", "layer",
        "MUST", "NOT", "SHOULD", "MAY", "section", "requires", "untestable", "reserved", "hostonly", "align", "size",
        "hostorder", "as", "out", "void", "errno", "bytes", "span", "u8", "le16", "le32", "le64", "be16", "be32", "be64",
        "h16", "h32", "h64", "uuid", "a", "b", "x_y", "demo", "S", "A-B", "R-1", "OK", "ERR",
        "0", "1", "7", "8", "16", "63", "64", "255", "256", "0x10", "0xFFFF", "0b101", "1_000", "0x", "12ab",
        "18446744073709551615", "18446744073709551616",
        "{", "}", "(", ")", "[", "]", ";", ":", ",", "=", "@", "|", "&", "~", "*", "+", "-", "<<", ">>", "<", ">", "..", ".",
        "\"text\"", "\"\"", "\"open", "\"esc \\\" \\\\\"", "// note\n", "/// doc\n", "/* c */", "/* open",
        " ", " ", " ", "\n", "\t", "\r\n", "#", "$", "é", "\0", "\u2028",
    };

    private static readonly string[] SpecHeaders = { "", "spec demo version 1;\n", "spec demo version 2 namespace N.M;\n" };

    private static readonly Lazy<IReadOnlyList<(string Path, string Text)>> Corpus = new(LoadCorpus);

    private static IReadOnlyList<(string Path, string Text)> LoadCorpus()
    {
        var files = ShippedSpecs.Files.Select(p => (p, File.ReadAllText(p))).ToList();
        return files.Count > 0 ? files : new[] { ("sample.ism", BuiltInSample) };
    }

    private const string BuiltInSample = """
        spec sample version 1;
        /// A doc comment.
        const N = 4;
        feature F_X = 3 "doc";
        enum st : u8 { OK = 0; ERR = 1; }
        flags pm : le64 { R = 1 << 0; W = 1 << 1; }
        bitfield bf : be32 { lo : 0..7; hi : 8..31; }
        struct s align 8 { le64 a @0; be16 b[N]; bf c; reserved u8 res[2]; }
        struct t hostorder { h32 n; u8 data[n]; }
        union u align 16 { view request { le64 x; } view response = s; }
        commandset c framing virtio_ctrl { ack st ok OK error ERR; command go (class 0, code 1) { request s; reply { le32 r; } } }
        opaque dev;
        ops o { errno f(dev d, u64 x, out u32 y); optional group g { void h(dev d); } }
        requirement S-1 device MUST "does it" section "1" requires F_X;
        """;

    [Fact]
    public void Random_strings_over_the_language_alphabet_never_throw_and_spans_stay_in_the_file()
    {
        var fragmentText = Gen.ArrayOf(Gen.Elements(Fragments))
            .Select(parts => string.Join(" ", parts));
        var glued = Gen.ArrayOf(Gen.Elements(Fragments)).Select(parts => string.Concat(parts));
        var chars = Gen.ArrayOf(Gen.Elements(string.Concat(Fragments).Distinct().ToArray())).Select(cs => new string(cs));
        var text = Gen.Elements(SpecHeaders).SelectMany(header =>
            Gen.OneOf(fragmentText, glued, chars).Select(body => header + body));

        Run(Cases, seed: 0x15A_0001, text.ToArbitrary(), t => CheckCompilation(new[] { ("random.ism", t) }));
    }

    [Fact]
    public void Mutations_of_the_shipped_specs_never_throw_and_spans_stay_in_the_file()
    {
        var corpus = Corpus.Value;
        var mutation = Gen.Choose(0, 7).SelectMany(kind => Gen.Choose(0, int.MaxValue / 2).SelectMany(a =>
            Gen.Choose(0, int.MaxValue / 2).SelectMany(b => Gen.Elements(Fragments).Select(f => (kind, a, b, f)))));
        var testCase = Gen.Choose(0, corpus.Count - 1).SelectMany(file =>
            Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(mutation, n).SelectMany(ms =>
                Gen.Choose(0, 3).Select(withFolder => (file, ms, withFolder: withFolder == 0)))));

        Run(Cases, seed: 0x15A_0002, testCase.ToArbitrary(), c =>
        {
            var (path, original) = corpus[c.file];
            var mutated = c.ms.Aggregate(original, Mutate);
            // One case in four binds the mutated file with the rest of its folder, so cross-file references
            // resolve; the others bind it alone, which is several times faster.
            var folder = Path.GetDirectoryName(path);
            var files = corpus.Where(f => c.withFolder && f.Path != path && Path.GetDirectoryName(f.Path) == folder)
                              .Append((path, mutated)).ToArray();
            return CheckCompilation(files);
        });
    }

    /// <summary>Applies one mutation: kinds 0-3 work on tokens, 4-7 on characters (delete, insert, duplicate, swap).</summary>
    private static string Mutate(string text, (int Kind, int A, int B, string Fragment) m)
    {
        if (text.Length == 0) return m.Fragment;
        (int Start, int Length) x, y;
        if (m.Kind < 4)
        {
            var tokens = TokenRanges(text);
            (x, y) = (tokens[m.A % tokens.Count], tokens[m.B % tokens.Count]);
        }
        else
        {
            (x, y) = ((m.A % text.Length, 1), (m.B % text.Length, 1));
        }
        string Cut(int start, int length) => text.Substring(start, length);
        switch (m.Kind % 4)
        {
            case 0: return text.Remove(x.Start, x.Length);
            case 1: return text.Insert(x.Start, m.Kind < 4 ? m.Fragment + " " : m.Fragment);
            case 2: return text.Insert(x.Start + x.Length, Cut(x.Start, x.Length));
            default:
                if (x.Start == y.Start) return text;
                var (first, second) = x.Start < y.Start ? (x, y) : (y, x);
                if (first.Start + first.Length > second.Start) return text;
                return text.Substring(0, first.Start) + Cut(second.Start, second.Length)
                     + text.Substring(first.Start + first.Length, second.Start - first.Start - first.Length)
                     + Cut(first.Start, first.Length) + text.Substring(second.Start + second.Length);
        }
    }

    /// <summary>Rough tokens for mutation: runs of name characters, runs of whitespace, single other characters.</summary>
    private static List<(int Start, int Length)> TokenRanges(string text)
    {
        var ranges = new List<(int, int)>();
        for (int i = 0; i < text.Length;)
        {
            int start = i;
            if (IsWord(text[i])) while (i < text.Length && IsWord(text[i])) i++;
            else if (char.IsWhiteSpace(text[i])) while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            else i++;
            ranges.Add((start, i - start));
        }
        return ranges;
    }

    private static bool IsWord(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '-';

    /// <summary>Compiles the files; true when nothing threw and every diagnostic's span is a valid range of its file.</summary>
    private static bool CheckCompilation((string Path, string Text)[] files)
    {
        SpecCompilation c;
        try
        {
            c = SpecCompilation.FromText(files);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException("SpecCompilation threw on:" + Environment.NewLine + Describe(files) + Environment.NewLine + e, e);
        }
        foreach (var d in c.Diagnostics)
        {
            var file = files.Where(f => f.Path == d.Span.Path).Select(f => f.Text).FirstOrDefault();
            if (file == null || !SpecTest.IsValidSpan(d.Span, file) || string.IsNullOrEmpty(d.Message) || !d.Id.StartsWith("ISM", StringComparison.Ordinal))
                throw new InvalidOperationException($"bad diagnostic {d} (start {d.Span.Start}, length {d.Span.Length}) for:"
                    + Environment.NewLine + Describe(files));
        }
        return true;
    }

    private static string Describe((string Path, string Text)[] files) =>
        string.Join(Environment.NewLine, files.Select(f => $"--- {f.Path} ---{Environment.NewLine}{f.Text}"));

    private void Run<T>(int cases, ulong seed, Arbitrary<T> arbitrary, Func<T, bool> property)
    {
        if (ulong.TryParse(Environment.GetEnvironmentVariable("ISMSPEC_PROPERTY_SEED"), out var overridden)) seed = overridden;
        const ulong gamma = 0x9E37_79B9_7F4A_7C15; // odd, as FsCheck requires
        var config = Config.QuickThrowOnFailure.WithMaxTest(cases).WithReplay(seed, gamma);
        var watch = Stopwatch.StartNew();
        try
        {
            Check.One(config, Prop.ForAll(arbitrary, property));
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"property failed with replay seed {seed}, gamma {gamma}:{Environment.NewLine}{e.Message}");
        }
        _output.WriteLine($"{cases} cases passed in {watch.ElapsedMilliseconds} ms (seed {seed}, gamma {gamma})");
    }
}
