using System.Text.Json;
using IsmSpec.Cli.Formatting;

namespace IsmSpec.Cli.Decoding;

/// <summary>
/// Decoded fields as JSON: <c>{"name","spec","size","fields":[{"name","offset","value",…}]}</c>; enums and
/// flags add <c>"symbol"</c>, bitfields <c>"bits":{…}</c>, arrays are lists, nested structs have <c>"fields"</c>.
/// A union adds <c>"views"</c>; its <c>fields</c> are the largest view's, prefixed <c>view.</c>.
/// </summary>
internal static class DecodeJsonWriter
{
    public static void Write(TextWriter output, DecodedValue value)
    {
        JsonOutput.Write(output, json =>
        {
            json.WriteStartObject();
            json.WriteString("name", value.Type.Name);
            json.WriteString("spec", value.Type.Spec?.Key);
            json.WriteNumber("size", value.Type.Size);
            if (value.BytesUsed > value.Type.Size) json.WriteNumber("bytesUsed", value.BytesUsed);
            if (value.Views.Count == 0) WriteFields(json, value.Fields, "");
            else
            {
                var largest = value.Views.OrderByDescending(v => v.View.Struct.ContentSize).First();
                WriteFields(json, largest.Fields, largest.View.Name + ".");
                json.WriteStartArray("views");
                foreach (var (view, fields) in value.Views)
                {
                    json.WriteStartObject();
                    json.WriteString("name", view.Name);
                    json.WriteNumber("size", view.Struct.Size);
                    WriteFields(json, fields, "");
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        });
    }

    private static void WriteFields(Utf8JsonWriter json, IReadOnlyList<DecodedField> fields, string prefix)
    {
        json.WriteStartArray("fields");
        foreach (var f in fields)
        {
            json.WriteStartObject();
            json.WriteString("name", prefix + f.Name);
            json.WriteNumber("offset", f.Offset);
            WriteContent(json, f);
            if (f.IsReserved) json.WriteBoolean("reserved", true);
            if (f.IsHostOnly) json.WriteBoolean("hostonly", true);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>The members describing the value: value/symbol/bits, an array's list, or a nested struct's fields.</summary>
    private static void WriteContent(Utf8JsonWriter json, DecodedField f)
    {
        switch (f.Kind)
        {
            case DecodedKind.Struct:
                WriteFields(json, f.Children, "");
                break;
            case DecodedKind.Array:
                json.WriteStartArray("value");
                foreach (var e in f.Children) WriteElement(json, e);
                json.WriteEndArray();
                break;
            case DecodedKind.Bytes:
                json.WriteStartArray("value");
                foreach (var b in f.Bytes) json.WriteNumberValue(b);
                json.WriteEndArray();
                break;
            case DecodedKind.Uuid:
                json.WriteString("value", f.Symbol);
                break;
            default:
                json.WriteNumber("value", f.Number);
                if (f.Symbol != null) json.WriteString("symbol", f.Symbol);
                if (f.Kind == DecodedKind.Bitfield) WriteBits(json, f);
                break;
        }
    }

    private static void WriteElement(Utf8JsonWriter json, DecodedField e)
    {
        switch (e.Kind)
        {
            case DecodedKind.Integer or DecodedKind.Enum or DecodedKind.Flags:
                json.WriteNumberValue(e.Number);
                break;
            case DecodedKind.Uuid:
                json.WriteStringValue(e.Symbol);
                break;
            default:
                json.WriteStartObject();
                json.WriteNumber("offset", e.Offset);
                WriteContent(json, e);
                json.WriteEndObject();
                break;
        }
    }

    private static void WriteBits(Utf8JsonWriter json, DecodedField f)
    {
        json.WriteStartObject("bits");
        foreach (var b in f.Bits)
        {
            if (b.Member.Width == 1 && b.Member.AsEnum == null) json.WriteBoolean(b.Member.Name, b.Value != 0);
            else json.WriteNumber(b.Member.Name, b.Value);
        }
        json.WriteEndObject();
    }
}
