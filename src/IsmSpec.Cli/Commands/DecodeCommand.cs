using System.CommandLine;
using IsmSpec.Cli.Decoding;
using IsmSpec.Cli.Specs;

namespace IsmSpec.Cli.Commands;

/// <summary><c>ismspec decode TYPE HEX [--json]</c>: decode bytes into named fields with the bound layout.</summary>
internal static class DecodeCommand
{
    public static Command Create(SpecSource source, TextWriter stdout, TextWriter stderr)
    {
        var type = new Argument<string>("TYPE") { Description = "Spec or C# type name, optionally SPEC:TYPE or SPEC@VERSION:TYPE" };
        var hex = new Argument<string[]>("HEX")
        {
            Description = "The bytes: hex digits, optional 0x prefix, spaces, colons or underscores between bytes",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Write the decoded fields as JSON" };
        var command = new Command("decode", "Decode bytes into a type's named fields (byte order, enums, flags, bitfields, arrays, tails)") { type, hex, json };
        command.SetAction(parse =>
        {
            var compilation = source.Load(parse, stderr);
            var symbol = TypeLookup.Resolve(compilation, parse.GetValue(type)!);
            var bytes = HexInput.Parse(string.Join(" ", parse.GetValue(hex)!));
            var decoded = LayoutDecoder.Decode(symbol, bytes);
            if (parse.GetValue(json)) DecodeJsonWriter.Write(stdout, decoded);
            else DecodeTextWriter.Write(stdout, decoded);
            if (bytes.Length > decoded.BytesUsed)
                stderr.WriteLine($"ismspec: warning: {bytes.Length - decoded.BytesUsed} extra bytes after {symbol.Name} ({decoded.BytesUsed} bytes) were not decoded");
            return ExitCodes.Ok;
        });
        return command;
    }
}
