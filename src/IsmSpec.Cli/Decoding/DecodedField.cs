using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Cli.Decoding;

internal enum DecodedKind { Integer, Enum, Flags, Bitfield, Uuid, Bytes, Struct, Array }

/// <summary>One decoded value: a field, an array element or a nested struct, at an offset in the input.</summary>
internal sealed class DecodedField
{
    public required string Name { get; init; }
    public required int Offset { get; init; }
    public required TypeSymbol Type { get; init; }
    public required DecodedKind Kind { get; init; }
    /// <summary>The integer value (integers, enums, flags, bitfields).</summary>
    public ulong Number { get; init; }
    /// <summary>Enum member, flag names or uuid text.</summary>
    public string? Symbol { get; init; }
    public ByteOrder ByteOrder { get; init; }
    public IReadOnlyList<DecodedBit> Bits { get; init; } = [];
    /// <summary>Fields of a nested struct, or elements of an array.</summary>
    public IReadOnlyList<DecodedField> Children { get; init; } = [];
    /// <summary>The bytes of a u8 array.</summary>
    public byte[] Bytes { get; init; } = [];
    public bool IsReserved { get; init; }
    public bool IsHostOnly { get; init; }

    /// <summary>A reserved field, or a reserved bit range, that is not zero.</summary>
    public bool ReservedNotZero => (IsReserved && !IsAllZero) || Bits.Any(b => b.Member.IsReserved && b.Value != 0);

    private bool IsAllZero => Number == 0 && Bytes.All(b => b == 0) && Children.All(c => c.IsAllZero);
}

/// <summary>One member of a decoded bitfield.</summary>
internal sealed record DecodedBit(BitMember Member, ulong Value, string Text);

/// <summary>A decoded struct or single value (Fields) or union (Views), and how many input bytes it used.</summary>
internal sealed class DecodedValue
{
    public required TypeSymbol Type { get; init; }
    public IReadOnlyList<DecodedField> Fields { get; init; } = [];
    public IReadOnlyList<(UnionView View, IReadOnlyList<DecodedField> Fields)> Views { get; init; } = [];
    public required int BytesUsed { get; init; }
}
