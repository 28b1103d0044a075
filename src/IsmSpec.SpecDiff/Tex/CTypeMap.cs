namespace IsmSpec.SpecDiff.Tex;

/// <summary>C type spellings of virtio listings mapped to .ism wire types.</summary>
public static class CTypeMap
{
    private static readonly Dictionary<string, string> Exact = new(StringComparer.Ordinal)
    {
        ["u8"] = "u8", ["__u8"] = "u8", ["uint8_t"] = "u8", ["char"] = "u8", ["unsigned char"] = "u8", ["signed char"] = "u8",
        ["s8"] = "u8", ["__s8"] = "u8", ["int8_t"] = "u8",
        ["le16"] = "le16", ["__le16"] = "le16", ["le32"] = "le32", ["__le32"] = "le32", ["le64"] = "le64", ["__le64"] = "le64",
        ["be16"] = "be16", ["__be16"] = "be16", ["be32"] = "be32", ["__be32"] = "be32", ["be64"] = "be64", ["__be64"] = "be64",
    };

    /// <summary>Integer types without a byte order: imported as little-endian (the virtio convention), with a warning.</summary>
    private static readonly Dictionary<string, string> NoByteOrder = new(StringComparer.Ordinal)
    {
        ["u16"] = "le16", ["__u16"] = "le16", ["uint16_t"] = "le16", ["s16"] = "le16", ["__s16"] = "le16", ["int16_t"] = "le16",
        ["u32"] = "le32", ["__u32"] = "le32", ["uint32_t"] = "le32", ["s32"] = "le32", ["__s32"] = "le32", ["int32_t"] = "le32",
        ["u64"] = "le64", ["__u64"] = "le64", ["uint64_t"] = "le64", ["s64"] = "le64", ["__s64"] = "le64", ["int64_t"] = "le64",
        ["__virtio16"] = "le16", ["__virtio32"] = "le32", ["__virtio64"] = "le64",
        ["unsigned short"] = "le16", ["unsigned int"] = "le32", ["int"] = "le32", ["unsigned long long"] = "le64",
    };

    private static readonly HashSet<string> IsmPrimitives = ["u8", "le16", "le32", "le64", "be16", "be32", "be64", "h16", "h32", "h64", "uuid"];

    public static bool IsIsmPrimitive(string name) => IsmPrimitives.Contains(name);

    /// <summary>The .ism type for a C spelling; <paramref name="guessed"/> is set when the byte order was assumed.</summary>
    public static string? Map(string cType, out bool guessed)
    {
        guessed = false;
        if (Exact.TryGetValue(cType, out var t)) return t;
        if (NoByteOrder.TryGetValue(cType, out t)) { guessed = true; return t; }
        return null;
    }

    public static bool IsInteger(string ismType) => ismType is "u8" or "le16" or "le32" or "le64" or "be16" or "be32" or "be64";

    /// <summary>Field names that read as padding or reserved space become <c>reserved</c> fields.</summary>
    public static bool LooksReserved(string name)
    {
        var n = name.ToLowerInvariant().TrimStart('_');
        return n.StartsWith("reserved") || n.StartsWith("rsvd") || n.StartsWith("padding") || n.StartsWith("unused")
               || System.Text.RegularExpressions.Regex.IsMatch(n, "^(res|pad)[0-9]*$");
    }
}
