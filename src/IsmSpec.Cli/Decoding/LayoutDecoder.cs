using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Cli.Decoding;

/// <summary>
/// Decodes bytes into named fields using the bound layout model (not generated code): byte order, enums,
/// flags, bitfields, arrays, uuids, nested structs, a variable-length tail sized by its count field, and
/// every view of a union. Too few bytes is an input error (exit 2).
/// </summary>
internal sealed class LayoutDecoder
{
    private readonly byte[] _data;
    private readonly string _typeName;
    private int _end;

    private LayoutDecoder(byte[] data, string typeName) { _data = data; _typeName = typeName; }

    public static DecodedValue Decode(TypeSymbol type, byte[] data)
    {
        if (data.Length < type.Size)
            throw new CliException($"{type.Name} needs {type.Size} bytes, got {data.Length}");
        var decoder = new LayoutDecoder(data, type.Name) { _end = type.Size };
        switch (type)
        {
            case StructType s:
                var fields = decoder.DecodeStruct(s, 0);
                return new DecodedValue { Type = type, Fields = fields, BytesUsed = decoder._end };
            case UnionType u:
                var views = u.Views.Select(v => (v, decoder.DecodeStruct(v.Struct, 0))).ToList();
                return new DecodedValue { Type = type, Views = views, BytesUsed = decoder._end };
            default:
                var single = decoder.DecodeValue(type.Name, type, 0);
                return new DecodedValue { Type = type, Fields = [single], BytesUsed = decoder._end };
        }
    }

    private IReadOnlyList<DecodedField> DecodeStruct(StructType s, int baseOffset)
    {
        var result = new List<DecodedField>();
        foreach (var field in s.Fields)
        {
            int offset = baseOffset + field.Offset;
            DecodedField decoded;
            if (field.IsTail)
            {
                var counter = result.First(r => r.Name == field.CountField!.Name);
                decoded = DecodeArray(field, offset, TailCount(field, offset, counter.Number));
            }
            else if (field.IsArray) decoded = DecodeArray(field, offset, field.ArrayLength);
            else decoded = DecodeValue(field.Name, field.Type, offset, field);
            result.Add(decoded);
        }
        return result;
    }

    private int TailCount(FieldSymbol tail, int offset, ulong count)
    {
        ulong needed = (ulong)offset + count * (ulong)tail.ElementSize;
        if (count > int.MaxValue || needed > (ulong)_data.Length)
            throw new CliException($"{_typeName} needs {(count > int.MaxValue ? "more than 2 GiB" : needed + " bytes")} " +
                $"({tail.CountField!.Name} = {count} elements of {tail.Name}), got {_data.Length}");
        _end = Math.Max(_end, (int)needed);
        return (int)count;
    }

    private DecodedField DecodeArray(FieldSymbol field, int offset, int count)
    {
        int size = field.ElementSize;
        if (field.Type == PrimitiveType.U8)
            return new DecodedField
            {
                Name = field.Name, Offset = offset, Type = field.Type, Kind = DecodedKind.Bytes,
                Bytes = _data.AsSpan(offset, count).ToArray(), IsReserved = field.IsReserved, IsHostOnly = field.IsHostOnly,
            };
        var elements = Enumerable.Range(0, count).Select(i => DecodeValue($"[{i}]", field.Type, offset + i * size)).ToList();
        return new DecodedField
        {
            Name = field.Name, Offset = offset, Type = field.Type, Kind = DecodedKind.Array, Children = elements,
            ByteOrder = field.ByteOrder, IsReserved = field.IsReserved, IsHostOnly = field.IsHostOnly,
        };
    }

    private DecodedField DecodeValue(string name, TypeSymbol type, int offset, FieldSymbol? field = null)
    {
        bool reserved = field?.IsReserved ?? false, hostOnly = field?.IsHostOnly ?? false;
        switch (type)
        {
            case PrimitiveType { Primitive: PrimitiveKind.Uuid }:
                return new DecodedField
                {
                    Name = name, Offset = offset, Type = type, Kind = DecodedKind.Uuid, Symbol = WireReader.Uuid(_data, offset),
                    Bytes = _data.AsSpan(offset, 16).ToArray(), IsReserved = reserved, IsHostOnly = hostOnly,
                };
            case PrimitiveType p:
                return new DecodedField
                {
                    Name = name, Offset = offset, Type = type, Kind = DecodedKind.Integer, ByteOrder = p.ByteOrder,
                    Number = WireReader.Read(_data, offset, p.Size, p.ByteOrder), IsReserved = reserved, IsHostOnly = hostOnly,
                };
            case EnumType e:
                ulong value = WireReader.Read(_data, offset, e.Size, e.Underlying.ByteOrder);
                return new DecodedField
                {
                    Name = name, Offset = offset, Type = type, Kind = e.IsFlags ? DecodedKind.Flags : DecodedKind.Enum,
                    ByteOrder = e.Underlying.ByteOrder, Number = value, IsReserved = reserved, IsHostOnly = hostOnly,
                    Symbol = e.IsFlags ? ValueText.Flags(e, value) : ValueText.EnumMember(e, value),
                };
            case BitfieldType b:
                ulong raw = WireReader.Read(_data, offset, b.Size, b.Underlying.ByteOrder);
                var bits = b.Members.OrderBy(m => m.Low).Select(m =>
                {
                    ulong v = (raw & m.Mask) >> m.Low;
                    return new DecodedBit(m, v, ValueText.BitMember(m, v));
                }).ToList();
                return new DecodedField
                {
                    Name = name, Offset = offset, Type = type, Kind = DecodedKind.Bitfield, ByteOrder = b.Underlying.ByteOrder,
                    Number = raw, Bits = bits, IsReserved = reserved, IsHostOnly = hostOnly,
                };
            case StructType s:
                return new DecodedField
                {
                    Name = name, Offset = offset, Type = type, Kind = DecodedKind.Struct, Children = DecodeStruct(s, offset),
                    IsReserved = reserved, IsHostOnly = hostOnly,
                };
            default:
                throw new CliException($"cannot decode a value of type '{type.Name}'");
        }
    }
}
