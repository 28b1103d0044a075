using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace IsmSpec.Cli.Formatting;

/// <summary>Runs a Utf8JsonWriter (indented, no needless escaping) and copies the document to a text writer.</summary>
internal static class JsonOutput
{
    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(json);
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
