using IsmSpec.Specs.Smc;

namespace IsmSpec.Smc;

/// <summary>
/// Cursor arithmetic of an SMC-D ring (research §2.9): a cursor is (wrap, count) with count in [0, ring);
/// wrap is a 16-bit counter of completed passes. Locally the stream keeps 64-bit linear byte positions and
/// converts at the wire; a remote cursor is turned back into a linear position relative to a known lower
/// bound with SMC's smc_curs_diff, which is exact while the two positions are at most one ring apart.
/// </summary>
public static class SmcdCursor
{
    /// <summary>The wire cursor of linear position <paramref name="position"/> in a ring of <paramref name="ringSize"/> bytes (flags zero).</summary>
    public static SmcdCdcCursor FromPosition(ulong position, uint ringSize) => new()
    {
        Wrap = unchecked((ushort)(position / ringSize)),
        Count = (uint)(position % ringSize),
    };

    /// <summary>
    /// smc_curs_diff(size, old, new): bytes from <paramref name="older"/> to <paramref name="newer"/>; 0 when
    /// <paramref name="newer"/> is behind in the same wrap. Wraps that differ count as one pass.
    /// </summary>
    public static ulong Diff(uint ringSize, in SmcdCdcCursor older, in SmcdCdcCursor newer)
    {
        if (older.Wrap != newer.Wrap)
            return (ulong)Math.Max(0L, (long)ringSize - older.Count + newer.Count);
        return (ulong)Math.Max(0L, (long)newer.Count - older.Count);
    }

    /// <summary>
    /// The linear position of remote cursor <paramref name="remote"/>, given a linear position
    /// <paramref name="lowerBound"/> the remote cannot be behind and cannot be more than one ring ahead of.
    /// False when the cursor is malformed (count outside the ring) or further than one ring ahead.
    /// </summary>
    public static bool TryResolve(ulong lowerBound, uint ringSize, in SmcdCdcCursor remote, out ulong position)
    {
        position = lowerBound;
        if (remote.Count >= ringSize)
            return false;
        var baseCursor = FromPosition(lowerBound, ringSize);
        var ahead = Diff(ringSize, baseCursor, remote);
        // Equal wraps with a smaller count, or wraps apart by more than one pass, are not reachable states.
        if (ahead > ringSize)
            return false;
        if (ahead == 0 && !(remote.Wrap == baseCursor.Wrap && remote.Count == baseCursor.Count))
            return false;
        if (ahead == ringSize && remote.Wrap != unchecked((ushort)(baseCursor.Wrap + 1)))
            return false;
        if (ahead > 0 && ahead < ringSize && remote.Wrap != baseCursor.Wrap && remote.Wrap != unchecked((ushort)(baseCursor.Wrap + 1)))
            return false;
        position = lowerBound + ahead;
        return true;
    }
}
