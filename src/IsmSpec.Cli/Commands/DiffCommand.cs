using System.CommandLine;
using IsmSpec.SpecDiff.Input;

namespace IsmSpec.Cli.Commands;

/// <summary>
/// <c>ismspec diff OLD NEW [--format text|markdown|json|junit] [--fail-on wire|source|normative|any|none]</c>:
/// what changed between two spec versions (.ism files, spec folders or .tex files) and what breaks.
/// Exit 0 when no finding reaches --fail-on, 1 when one does, 2 on input errors.
/// </summary>
public static class DiffCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var oldPath = new Argument<string>("old") { Description = "the previous version: a .ism file, a spec folder or a .tex file" };
        var newPath = new Argument<string>("new") { Description = "the current version: a .ism file, a spec folder or a .tex file" };
        var format = new Option<string>("--format")
        {
            Description = "output format",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "markdown", "json", "junit");
        var failOn = new Option<string>("--fail-on")
        {
            Description = "exit 1 when a finding of this class or a more severe one is found (wire > source > normative > compatible)",
            DefaultValueFactory = _ => "wire",
        };
        failOn.AcceptOnlyFromAmong("wire", "source", "normative", "any", "none");
        var command = new Command("diff", "Compare two spec versions: rule-based findings classed wire-breaking, source-breaking, compatible or normative")
        {
            oldPath, newPath, format, failOn,
        };
        command.SetAction(parse => DiffRunner.Run(parse.GetValue(oldPath)!, parse.GetValue(newPath)!,
            parse.GetValue(format), parse.GetValue(failOn), stdout, stderr));
        return command;
    }
}
