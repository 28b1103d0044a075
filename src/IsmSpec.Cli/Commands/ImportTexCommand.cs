using System.CommandLine;
using IsmSpec.SpecDiff.Input;

namespace IsmSpec.Cli.Commands;

/// <summary>
/// <c>ismspec import-tex FILE.tex [-o OUT.ism]</c>: turn a virtio spec device section (LaTeX) into a .ism
/// skeleton — structs and constants from lstlisting blocks, one requirement per MUST/SHOULD/MAY sentence
/// of \devicenormative / \drivernormative blocks, each with a placeholder summary to rewrite.
/// </summary>
public static class ImportTexCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "the .tex file" };
        var output = new Option<string?>("--output", "-o") { Description = "write the skeleton to this file instead of stdout" };
        var command = new Command("import-tex", "Turn a LaTeX spec section into a .ism skeleton (warnings on stderr)") { file, output };
        command.SetAction(parse => ImportTexRunner.Run(parse.GetValue(file)!, parse.GetValue(output), stdout, stderr));
        return command;
    }
}
