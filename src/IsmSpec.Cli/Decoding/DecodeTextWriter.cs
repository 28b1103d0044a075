using IsmSpec.Cli.Formatting;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Cli.Decoding;

/// <summary>
/// Decoded fields as text: offset, name, value (decimal and hex, enum member, flag names, uuid), nested
/// structs and array elements indented, bitfield members under their field, reserved/hostonly marked.
/// </summary>
internal static class DecodeTextWriter
{
    public static void Write(TextWriter output, DecodedValue value)
    {
        var type = value.Type;
        var all = value.Fields.Concat(value.Views.SelectMany(v => v.Fields)).ToList();
        output.WriteLine($"{type.Name} ({type.Spec?.Key}): {type.Size} bytes" + (value.BytesUsed > type.Size ? $" + {value.BytesUsed - type.Size} tail bytes" : ""));
        var orders = Flatten(all).Select(f => f.ByteOrder).Where(o => o != ByteOrder.None).Distinct().OrderBy(o => o).ToList();
        if (orders.Count > 0) output.WriteLine($"byte order: {string.Join(", ", orders.Select(WireText.Endian))}");
        if (orders.Contains(ByteOrder.Host)) output.WriteLine($"note: {WireText.HostOrderNote}");
        if (value.Views.Count == 0) WriteFields(output, value.Fields, 0);
        foreach (var (view, fields) in value.Views)
        {
            output.WriteLine($"view {view.Name} ({view.Struct.Size} bytes):");
            WriteFields(output, fields, 0);
        }
    }

    private static IEnumerable<DecodedField> Flatten(IEnumerable<DecodedField> fields) =>
        fields.SelectMany(f => Flatten(f.Children).Prepend(f));

    private static void WriteFields(TextWriter output, IReadOnlyList<DecodedField> fields, int depth)
    {
        int width = fields.Select(f => f.Name.Length).DefaultIfEmpty().Max();
        string indent = new(' ', depth * 2);
        foreach (var f in fields)
        {
            string head = $"{f.Offset,5}  {indent}{f.Name.PadRight(width)}";
            switch (f.Kind)
            {
                case DecodedKind.Struct:
                    output.WriteLine($"{head}  ({f.Type.Name}){Marks(f)}");
                    WriteFields(output, f.Children, depth + 1);
                    break;
                case DecodedKind.Array:
                    output.WriteLine($"{head}  ({f.Type.Name}[{f.Children.Count}]){Marks(f)}");
                    WriteFields(output, f.Children, depth + 1);
                    break;
                case DecodedKind.Bitfield:
                    output.WriteLine($"{head} = {ValueText.RawHex(f.Number, f.Type.Size)}{Marks(f)}");
                    WriteBits(output, f.Bits, indent + "    ");
                    break;
                default:
                    output.WriteLine($"{head} = {Scalar(f)}{Marks(f)}");
                    break;
            }
        }
    }

    private static string Scalar(DecodedField f) => f.Kind switch
    {
        DecodedKind.Enum => f.Symbol!.StartsWith("unknown(", StringComparison.Ordinal) ? f.Symbol : $"{f.Symbol} ({f.Number})",
        DecodedKind.Flags => $"{f.Symbol} (0x{f.Number:x})",
        DecodedKind.Uuid => f.Symbol!,
        DecodedKind.Bytes => f.Bytes.Length == 0 ? "(none)" : string.Join(" ", f.Bytes.Select(b => b.ToString("x2"))),
        _ => ValueText.Number(f.Number),
    };

    private static void WriteBits(TextWriter output, IReadOnlyList<DecodedBit> bits, string indent)
    {
        int width = bits.Select(b => b.Member.Name.Length).DefaultIfEmpty().Max();
        foreach (var b in bits)
        {
            string mark = b.Member.IsReserved ? (b.Value != 0 ? "  <- reserved, not zero" : "  (reserved)") : "";
            output.WriteLine($"{"",5}  {indent}{b.Member.Name.PadRight(width)} = {b.Text}  [{WireText.BitRange(b.Member)}]{mark}");
        }
    }

    private static string Marks(DecodedField f)
    {
        var marks = new List<string>();
        if (f.IsReserved) marks.Add(f.ReservedNotZero ? "<- reserved, not zero" : "(reserved)");
        else if (f.ReservedNotZero) marks.Add("<- reserved bits not zero");
        if (f.IsHostOnly) marks.Add("(hostonly)");
        return marks.Count == 0 ? "" : "  " + string.Join(" ", marks);
    }
}
