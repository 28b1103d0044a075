using System.CommandLine;
using IsmSpec.Cli.Layout;
using IsmSpec.Cli.Specs;

namespace IsmSpec.Cli.Commands;

/// <summary><c>ismspec layout TYPE [--json]</c>: pahole-style layout of a struct or union.</summary>
internal static class LayoutCommand
{
    public static Command Create(SpecSource source, TextWriter stdout, TextWriter stderr)
    {
        var type = new Argument<string>("TYPE") { Description = "Spec or C# type name, optionally SPEC:TYPE or SPEC@VERSION:TYPE" };
        var json = new Option<bool>("--json") { Description = "Write the layout as JSON" };
        var command = new Command("layout", "Show every field's offset, size, type and byte order, bit ranges, holes and tail padding") { type, json };
        command.SetAction(parse =>
        {
            var compilation = source.Load(parse, stderr);
            var symbol = TypeLookup.Resolve(compilation, parse.GetValue(type)!);
            if (parse.GetValue(json)) LayoutJsonWriter.Write(stdout, symbol);
            else LayoutTextWriter.Write(stdout, symbol);
            return ExitCodes.Ok;
        });
        return command;
    }
}
