using System.CommandLine;
using IsmSpec.Cli.Commands;

namespace IsmSpec.Cli;

/// <summary>Builds the ismspec command tree and runs it. Exit codes: 0 ok, 1 findings/failures, 2 usage or input error.</summary>
public static class CliApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("ismspec — spec tooling for virtio-ism, DIBS and s390 ISM");
        root.Subcommands.Add(CheckCommand.Create(stdout, stderr));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"ismspec: {parse.Errors[0].Message}");
            return ExitCodes.UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        }
        catch (CliException e)
        {
            stderr.WriteLine($"ismspec: {e.Message}");
            return ExitCodes.UsageError;
        }
    }
}
