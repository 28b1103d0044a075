using System.Text.Json;
using IsmSpec.Cli.Formatting;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Cli.Layout;

/// <summary>
/// The layout as JSON: <c>{"name","spec","size","fields":[{"name","offset","size","type","endian",…}]}</c>;
/// a union adds <c>"views"</c> and its <c>fields</c> are the largest view's, prefixed <c>view.</c>.
/// </summary>
internal static class LayoutJsonWriter
{
    public static void Write(TextWriter output, TypeSymbol type)
    {
        if (type is not StructType and not UnionType)
            throw new CliException($"'{type.Name}' is {LayoutTextWriter.Describe(type)}, not a struct or union; layout shows structs and unions");
        JsonOutput.Write(output, json =>
        {
            json.WriteStartObject();
            json.WriteString("name", type.Name);
            json.WriteString("spec", type.Spec?.Key);
            json.WriteNumber("size", type.Size);
            if (type is StructType s)
            {
                WriteFields(json, s, "");
            }
            else if (type is UnionType u)
            {
                var largest = u.Views.OrderByDescending(v => v.Struct.ContentSize).FirstOrDefault();
                if (largest != null) WriteFields(json, largest.Struct, largest.Name + ".");
                else { json.WriteStartArray("fields"); json.WriteEndArray(); }
                json.WriteStartArray("views");
                foreach (var view in u.Views)
                {
                    json.WriteStartObject();
                    json.WriteString("name", view.Name);
                    json.WriteNumber("size", view.Struct.Size);
                    WriteFields(json, view.Struct, "");
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        });
    }

    private static void WriteFields(Utf8JsonWriter json, StructType s, string prefix)
    {
        json.WriteStartArray("fields");
        foreach (var field in s.Fields) WriteField(json, field, prefix);
        json.WriteEndArray();
    }

    private static void WriteField(Utf8JsonWriter json, FieldSymbol field, string prefix)
    {
        json.WriteStartObject();
        json.WriteString("name", prefix + field.Name);
        json.WriteNumber("offset", field.Offset);
        json.WriteNumber("size", field.Size);
        json.WriteString("type", field.Type.Name);
        json.WriteString("endian", WireText.Endian(field.ByteOrder));
        if (field.IsArray) json.WriteNumber("count", field.ArrayLength);
        if (field.IsTail)
        {
            json.WriteBoolean("tail", true);
            json.WriteString("countField", field.CountField!.Name);
        }
        if (field.IsReserved) json.WriteBoolean("reserved", true);
        if (field.IsHostOnly) json.WriteBoolean("hostonly", true);
        if (field.Type is BitfieldType bits)
        {
            json.WriteStartArray("bits");
            foreach (var m in bits.Members.OrderBy(m => m.Low))
            {
                json.WriteStartObject();
                json.WriteString("name", m.Name);
                json.WriteNumber("lo", m.Low);
                json.WriteNumber("hi", m.High);
                if (m.IsReserved) json.WriteBoolean("reserved", true);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }
}
