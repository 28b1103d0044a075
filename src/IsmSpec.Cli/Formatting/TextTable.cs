namespace IsmSpec.Cli.Formatting;

/// <summary>A plain-text table: a header row, columns padded to their widest cell, two spaces apart.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];
    private readonly HashSet<int> _rightAligned = [];

    public TextTable AlignRight(params int[] columns)
    {
        foreach (var c in columns) _rightAligned.Add(c);
        return this;
    }

    public void AddRow(params object[] cells) => _rows.Add(cells.Select(c => c.ToString() ?? "").ToArray());

    public void Write(TextWriter output)
    {
        var all = _rows.Prepend(headers).ToList();
        var widths = new int[headers.Length];
        foreach (var row in all)
            for (int i = 0; i < row.Length; i++) widths[i] = Math.Max(widths[i], row[i].Length);
        foreach (var row in all)
        {
            var cells = row.Select((cell, i) =>
                _rightAligned.Contains(i) ? cell.PadLeft(widths[i])
                : i == row.Length - 1 ? cell
                : cell.PadRight(widths[i]));
            output.WriteLine(string.Join("  ", cells).TrimEnd());
        }
    }
}
