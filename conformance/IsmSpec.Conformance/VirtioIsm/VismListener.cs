namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>
/// Watches regions for update reports on one guest: on the eventq when EVENT_VQ was negotiated, otherwise (EVENT_IRQ
/// only) by binding each watched region to a vector of its own with EVENT_VECTOR and counting its interrupts.
/// </summary>
internal sealed class VismListener(VismGuest guest, int vectorCount = int.MaxValue)
{
    private readonly Dictionary<ulong, (int Vector, long Seen)> _vectors = [];

    /// <summary>Whether reports of this guest come through vectors (so at most vectorCount regions can be told apart).</summary>
    public bool ByVector => !guest.EventVq && guest.EventIrq;

    public void Watch(ulong offset)
    {
        if (!ByVector) return;
        int vector = _vectors.Count % Math.Max(1, vectorCount);
        VismAssert.That(guest.EventVector(offset, (ulong)vector), $"{guest.Name}: EVENT_VECTOR(0x{offset:X}, {vector}) acked ERR for a region it holds");
        _vectors[offset] = (vector, guest.Raw.VectorCount(vector));
    }

    /// <summary>The regions reported since the last call (eventq offsets and regions whose vector fired).</summary>
    public HashSet<ulong> Updates()
    {
        var told = guest.EventqUpdates().ToHashSet();
        foreach (var (offset, (vector, seen)) in _vectors.ToList())
        {
            long now = guest.Raw.VectorCount(vector);
            if (now > seen) told.Add(offset);
            _vectors[offset] = (vector, now);
        }
        return told;
    }
}
