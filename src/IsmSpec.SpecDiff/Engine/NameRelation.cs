namespace IsmSpec.SpecDiff.Engine;

/// <summary>Decides whether two names plausibly denote the same concept (a rename) or different ones (a new meaning).</summary>
internal static class NameRelation
{
    /// <summary>
    /// Related when equal ignoring case, '_' and '-', or when one is a prefix or suffix of the other
    /// at a word boundary (<c>VIRTIO_NET_ERR</c> / <c>ERR</c>, <c>GRANT</c> / <c>GRANT_SET</c>).
    /// </summary>
    public static bool AreRelated(string a, string b)
    {
        var na = Normalize(a);
        var nb = Normalize(b);
        if (na == nb) return true;
        var wa = Words(a);
        var wb = Words(b);
        return IsAffix(wa, wb) || IsAffix(wb, wa);
    }

    private static string Normalize(string s) => new(s.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());

    private static string[] Words(string s) =>
        s.ToUpperInvariant().Split(['_', '-'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>True when <paramref name="shorter"/>'s words start or end <paramref name="longer"/>'s words.</summary>
    private static bool IsAffix(string[] shorter, string[] longer)
    {
        if (shorter.Length == 0 || shorter.Length >= longer.Length) return false;
        bool prefix = true, suffix = true;
        for (int i = 0; i < shorter.Length; i++)
        {
            if (shorter[i] != longer[i]) prefix = false;
            if (shorter[i] != longer[longer.Length - shorter.Length + i]) suffix = false;
        }
        return prefix || suffix;
    }
}
