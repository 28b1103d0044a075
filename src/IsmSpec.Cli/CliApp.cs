using System.CommandLine;
using IsmSpec.Cli.Commands;
using IsmSpec.Cli.Specs;

namespace IsmSpec.Cli;

/// <summary>Builds the ismspec command tree and runs it. Exit codes: 0 ok, 1 findings/failures, 2 usage or input error.</summary>
public static class CliApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("ismspec — spec tooling for virtio-ism, DIBS and s390 ISM");
        var specs = new SpecSource();
        root.Options.Add(specs.Option);
        root.Subcommands.Add(CheckCommand.Create(stdout, stderr));
        root.Subcommands.Add(SpecsCommand.Create(specs, stdout, stderr));
        root.Subcommands.Add(LayoutCommand.Create(specs, stdout, stderr));
        root.Subcommands.Add(DecodeCommand.Create(specs, stdout, stderr));
        root.Subcommands.Add(RequirementsCommand.Create(specs, stdout, stderr));
        root.Subcommands.Add(DiffCommand.Create(stdout, stderr));
        root.Subcommands.Add(ImportTexCommand.Create(stdout, stderr));
        root.Subcommands.Add(ConformCommand.Create(stdout, stderr));
        root.Subcommands.Add(VhostUserCommand.Create(specs, stdout, stderr));
        root.Subcommands.Add(DeviceServeCommand.Create(stdout, stderr));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line: an unrecognized token explains more than what is then missing, so it goes first.
            var messages = parse.Errors.Select(e => e.Message).Distinct()
                .OrderBy(m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1);
            stderr.WriteLine($"ismspec: {string.Join(" ", messages)} (see ismspec --help)");
            return ExitCodes.UsageError;
        }
        try
        {
            // The default handler would turn a CliException into a stack trace and exit 1.
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            stderr.WriteLine($"ismspec: {e.Message}");
            return ExitCodes.UsageError;
        }
    }
}
