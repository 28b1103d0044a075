using System.Globalization;

namespace IsmSpec.Cli.Decoding;

/// <summary>
/// Parses the HEX argument: upper or lower case digits, an optional <c>0x</c> prefix (on the whole input or
/// on each group), spaces, tabs, colons or underscores between bytes. Anything else is an input error.
/// </summary>
internal static class HexInput
{
    public static byte[] Parse(string text)
    {
        var digits = new List<char>(text.Length);
        var groups = text.Split([' ', '\t', '\n', '\r', ':', '_'], StringSplitOptions.RemoveEmptyEntries);
        foreach (var group in groups)
        {
            var g = group.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? group[2..] : group;
            foreach (char c in g)
            {
                if (!char.IsAsciiHexDigit(c))
                    throw new CliException($"'{c}' is not a hex digit (HEX is bytes like 0a1b2c, 0x0a1b2c or 0a:1b:2c)");
                digits.Add(c);
            }
        }
        if (digits.Count == 0) throw new CliException("no hex bytes given");
        if (digits.Count % 2 != 0) throw new CliException($"odd number of hex digits ({digits.Count}); every byte needs two");
        var bytes = new byte[digits.Count / 2];
        for (int i = 0; i < bytes.Length; i++)
            bytes[i] = byte.Parse(string.Concat(digits[2 * i], digits[2 * i + 1]), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return bytes;
    }
}
