using System.CommandLine;
using IsmSpec.Cli.Catalog;
using IsmSpec.Cli.Specs;

namespace IsmSpec.Cli.Commands;

/// <summary><c>ismspec requirements [--spec S] [--json]</c>: the requirement catalog.</summary>
internal static class RequirementsCommand
{
    public static Command Create(SpecSource source, TextWriter stdout, TextWriter stderr)
    {
        var spec = new Option<string?>("--spec") { Description = "Only this spec: NAME (every version) or NAME@VERSION", HelpName = "SPEC" };
        var json = new Option<bool>("--json") { Description = "Write the catalog as a JSON array" };
        var command = new Command("requirements", "List the requirements: ID, spec, role, level, section, summary, feature, untestable reason") { spec, json };
        command.SetAction(parse =>
        {
            var compilation = source.Load(parse, stderr);
            var selector = parse.GetValue(spec);
            var specs = selector == null ? compilation.Specs : SpecSelector.Select(compilation, selector);
            if (parse.GetValue(json)) RequirementCatalogWriter.WriteJson(stdout, specs);
            else RequirementCatalogWriter.WriteTable(stdout, specs);
            return ExitCodes.Ok;
        });
        return command;
    }
}
