using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.S390Ism;

internal sealed partial class IsmSession
{
    /// <summary>The SBA of function <paramref name="f"/> as a copy read through the generated <see cref="IsmSba"/> view (research §4.7).</summary>
    public IsmSba Sba(int f) => SbaAt(f, _sba[f] ?? throw new ConformanceViolation($"function {f} has no SBA registered"));

    public IsmSba SbaAt(int f, ulong dma)
    {
        IsmSba.TryRead(Mem(f, dma, IsmSba.Size), out var sba);
        return sba;
    }

    /// <summary>The IEQ of function <paramref name="f"/> through the generated <see cref="IsmEq"/> view.</summary>
    public IsmEq Ieq(int f) => IeqAt(f, _ieq[f] ?? throw new ConformanceViolation($"function {f} has no IEQ registered"));

    public IsmEq IeqAt(int f, ulong dma)
    {
        IsmEq.TryRead(Mem(f, dma, IsmEq.Size), out var eq);
        return eq;
    }

    /// <summary>Whether SBA DMB bit <paramref name="i"/> is set: byte i / 8 of dmb_bits, mask 0x80 &gt;&gt; i mod 8 (MSB-first, research §4.7).</summary>
    public static bool DmbBit(ref IsmSba sba, int i) => (sba.DmbBits[i / 8] & (0x80 >> (i % 8))) != 0;

    /// <summary>The DMB indices whose SBA bit is set.</summary>
    public static List<int> SetBits(ref IsmSba sba)
    {
        var set = new List<int>();
        var bits = sba.DmbBits;
        for (int b = 0; b < bits.Length; b++)
            for (int i = b * 8; bits[b] != 0 && i < b * 8 + 8; i++)
                if ((bits[b] & (0x80 >> (i % 8))) != 0) set.Add(i);
        return set;
    }

    /// <summary>
    /// The driver's interrupt handler (rule 62, research §4.7) on function <paramref name="f"/>: clear s, then for
    /// each set DMB bit from 32 up clear it and read-and-zero dmbe_mask[i]; then clear e. Returns (index, mask) pairs.
    /// </summary>
    public List<(int Idx, ushort Mask)> Drain(int f)
    {
        var dma = _sba[f] ?? throw new ConformanceViolation($"function {f} has no SBA registered");
        var bytes = Mem(f, dma, IsmSba.Size);
        ref var sba = ref IsmSba.View(bytes);
        sba.Status.S = false;
        var seen = new List<(int, ushort)>();
        for (int i = S390IsmSpec.IsmDmbBitOffset; i < S390IsmSpec.IsmNrDmbs; i++)
        {
            if (!DmbBit(ref sba, i)) continue;
            sba.DmbBits[i / 8] &= (byte)~(0x80 >> (i % 8));
            seen.Add((i, sba.GetDmbeMask(i)));
            sba.SetDmbeMask(i, 0);
        }
        sba.Status.E = false;
        this[f].WriteMemory(dma, bytes);
        return seen;
    }

    /// <summary>rotate_right_16(0x1000, idx): MSB-first bit (3 + idx) mod 16 (ISM-DEV-DMBE-MASK, research §4.9).</summary>
    public static ushort SignalMask(byte idx)
    {
        int r = idx % 16;
        return (ushort)((0x1000 >> r) | (0x1000 << (16 - r)));
    }

    /// <summary>Bytes that are never all zero (so a store is visible).</summary>
    public static byte[] Pattern(int length, int seed) =>
        Enumerable.Range(0, length).Select(i => (byte)(1 + (i * 31 + seed * 7) % 255)).ToArray();
}

/// <summary>Assertions of the ISM properties: a violated rule throws <see cref="ConformanceViolation"/>.</summary>
internal static class IsmAssert
{
    public static void That(bool condition, string message)
    {
        if (!condition) throw new ConformanceViolation(message);
    }

    public static void Code(ushort expected, ushort actual, string what) =>
        That(expected == actual, $"{what} answered {IsmCodes.Name(actual)}, expected {IsmCodes.Name(expected)}");

    public static void Equal<T>(T expected, T actual, string what) =>
        That(EqualityComparer<T>.Default.Equals(expected, actual), $"{what}: expected {expected}, got {actual}");
}
