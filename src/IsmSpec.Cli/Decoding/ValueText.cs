using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Cli.Decoding;

/// <summary>How decoded numbers, enum members, flag sets and bit members are written.</summary>
internal static class ValueText
{
    public static string Number(ulong value) => $"{value} (0x{value:x})";

    /// <summary>The member's name, or <c>unknown(7)</c>.</summary>
    public static string EnumMember(EnumType type, ulong value) =>
        type.Members.FirstOrDefault(m => m.Value == value)?.Name ?? $"unknown({value})";

    /// <summary><c>READ|WRITE</c>, unknown bits appended in hex (<c>READ|0x100</c>), <c>0</c> when none is set.</summary>
    public static string Flags(EnumType type, ulong value)
    {
        var names = new List<string>();
        ulong known = 0;
        foreach (var m in type.Members)
        {
            if (m.Value != 0 && (value & m.Value) == m.Value) { names.Add(m.Name); known |= m.Value; }
        }
        ulong unknown = value & ~known;
        if (unknown != 0) names.Add($"0x{unknown:x}");
        return names.Count == 0 ? "0" : string.Join("|", names);
    }

    /// <summary>A bit member's value: <c>true</c>/<c>false</c> for one bit, the enum member, or the number.</summary>
    public static string BitMember(BitMember member, ulong value) =>
        member.AsEnum != null ? EnumMember(member.AsEnum, value)
        : member.Width == 1 ? (value != 0 ? "true" : "false")
        : Number(value);

    /// <summary>The raw integer of a bitfield, all digits shown: <c>0x00000001</c>.</summary>
    public static string RawHex(ulong value, int size) => "0x" + value.ToString("x" + (size * 2));
}
