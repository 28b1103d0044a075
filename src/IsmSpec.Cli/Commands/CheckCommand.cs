using System.CommandLine;
using IsmSpec.SpecLanguage.Binding;

namespace IsmSpec.Cli.Commands;

/// <summary><c>ismspec check PATH...</c>: parse and bind spec files, print every diagnostic.</summary>
public static class CheckCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var paths = new Argument<string[]>("paths") { Description = ".ism files or folders", Arity = ArgumentArity.OneOrMore };
        var command = new Command("check", "Parse and bind spec files and report diagnostics") { paths };
        command.SetAction(parse =>
        {
            SpecCompilation compilation;
            try { compilation = SpecCompilation.Load(parse.GetValue(paths)!); }
            catch (FileNotFoundException e) { throw new CliException(e.Message); }
            foreach (var d in compilation.Diagnostics) stdout.WriteLine(d.ToString());
            foreach (var s in compilation.Specs)
                stdout.WriteLine($"{s.Key}: {s.Types.Count} types, {s.CommandSets.Sum(c => c.Commands.Count)} commands, {s.Ops.Count} ops tables, {s.Requirements.Count} requirements");
            return compilation.HasErrors ? ExitCodes.Findings : ExitCodes.Ok;
        });
        return command;
    }
}
