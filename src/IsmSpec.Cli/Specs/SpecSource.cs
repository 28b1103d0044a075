using System.CommandLine;
using IsmSpec.SpecLanguage.Binding;

namespace IsmSpec.Cli.Specs;

/// <summary>
/// Where the specs come from: the global <c>--specs DIR</c> option, else the ISMSPEC_SPECS environment
/// variable, else the specs embedded in the tool. Specs with errors stop the command (exit 2).
/// </summary>
internal sealed class SpecSource
{
    public const string EnvironmentVariable = "ISMSPEC_SPECS";

    public Option<string?> Option { get; } = new("--specs")
    {
        Description = $"Read the .ism specs from this folder instead of the embedded ones (default: ${EnvironmentVariable})",
        HelpName = "DIR",
        Recursive = true,
    };

    public SpecCompilation Load(ParseResult parse, TextWriter stderr)
    {
        var folder = parse.GetValue(Option); // a folder, or one .ism file
        if (string.IsNullOrWhiteSpace(folder)) folder = Environment.GetEnvironmentVariable(EnvironmentVariable);
        SpecCompilation compilation;
        string origin;
        if (string.IsNullOrWhiteSpace(folder))
        {
            var files = EmbeddedSpecs.Read();
            if (files.Count == 0) throw new CliException("no specs are embedded in this build; use --specs DIR");
            compilation = SpecCompilation.Create(files);
            origin = "the embedded specs";
        }
        else
        {
            if (!Directory.Exists(folder) && !File.Exists(folder)) throw new CliException($"spec folder '{folder}' does not exist");
            compilation = SpecCompilation.Load(folder);
            if (compilation.Specs.Count == 0 && !compilation.HasErrors)
                throw new CliException($"no .ism files in '{folder}'");
            origin = $"the specs in '{folder}'";
        }
        if (compilation.HasErrors)
        {
            foreach (var d in compilation.Diagnostics) stderr.WriteLine(d.ToString());
            int errors = compilation.Diagnostics.Count(d => d.Severity == SpecLanguage.Diagnostics.SpecSeverity.Error);
            throw new CliException($"{origin} have {errors} error(s); fix them first (ismspec check)");
        }
        return compilation;
    }
}
