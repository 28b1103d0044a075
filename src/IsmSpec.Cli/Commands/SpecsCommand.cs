using System.CommandLine;
using IsmSpec.Cli.Catalog;
using IsmSpec.Cli.Specs;

namespace IsmSpec.Cli.Commands;

/// <summary><c>ismspec specs</c>: every spec with its counts, then its type names grouped by kind.</summary>
internal static class SpecsCommand
{
    public static Command Create(SpecSource source, TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("specs", "List the specs: version, namespace, counts of types, commands, ops tables, features and requirements, then type names by kind");
        command.SetAction(parse =>
        {
            var compilation = source.Load(parse, stderr);
            SpecSummaryWriter.Write(stdout, compilation.Specs);
            return ExitCodes.Ok;
        });
        return command;
    }
}
