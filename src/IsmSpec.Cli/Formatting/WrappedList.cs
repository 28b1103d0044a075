namespace IsmSpec.Cli.Formatting;

/// <summary>Writes <c>label items, …</c> wrapped at a line width, continuation lines indented under the first item.</summary>
internal static class WrappedList
{
    public static void Write(TextWriter output, string label, IEnumerable<string> items, int width = 100)
    {
        var line = new System.Text.StringBuilder(label);
        int indent = label.Length;
        bool first = true;
        foreach (var item in items)
        {
            string piece = first ? item : ", " + item;
            if (!first && line.Length + piece.Length > width)
            {
                output.WriteLine(line.Append(',').ToString());
                line.Clear().Append(' ', indent).Append(item);
            }
            else line.Append(piece);
            first = false;
        }
        output.WriteLine(line.ToString());
    }
}
