using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Cli.Formatting;

/// <summary>Short texts shared by layout and decode: byte order names and field declarations.</summary>
internal static class WireText
{
    /// <summary>"le", "be", "host" or "none" (the JSON spelling).</summary>
    public static string Endian(ByteOrder order) => order switch
    {
        ByteOrder.Little => "le",
        ByteOrder.Big => "be",
        ByteOrder.Host => "host",
        _ => "none",
    };

    /// <summary>The field's name with its array suffix: <c>res[7]</c>, <c>offset[num]</c>.</summary>
    public static string Declarator(FieldSymbol field) =>
        field.IsTail ? $"{field.Name}[{field.CountField!.Name}]"
        : field.IsArray ? $"{field.Name}[{field.ArrayLength}]"
        : field.Name;

    /// <summary>The field's type as the spec writes it, with its <c>reserved</c>/<c>hostonly</c> marker.</summary>
    public static string DeclaredType(FieldSymbol field) =>
        (field.IsReserved ? "reserved " : "") + (field.IsHostOnly ? "hostonly " : "") + field.Type.Name;

    /// <summary>A bit range as the spec writes it: <c>23</c> or <c>0..22</c>.</summary>
    public static string BitRange(BitMember member) =>
        member.Low == member.High ? $"{member.Low}" : $"{member.Low}..{member.High}";

    /// <summary>Whether reading the host byte order means little-endian here.</summary>
    public static string HostOrderNote =>
        $"host order is read as {(BitConverter.IsLittleEndian ? "little" : "big")}-endian (this machine's order)";
}
