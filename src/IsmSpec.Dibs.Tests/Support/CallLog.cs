namespace IsmSpec.Dibs.Tests.Support;

/// <summary>A thread-safe, ordered log of callback calls shared by the clients of one test.</summary>
internal sealed class CallLog
{
    private readonly List<string> _entries = [];

    public void Add(string entry)
    {
        lock (_entries)
            _entries.Add(entry);
    }

    public IReadOnlyList<string> Entries
    {
        get { lock (_entries) return _entries.ToArray(); }
    }

    public void Clear()
    {
        lock (_entries)
            _entries.Clear();
    }
}
