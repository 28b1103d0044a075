using IsmSpec.Specs.S390Ism;

namespace IsmSpec.S390Ism;

/// <summary>
/// How the device writes the Status Block Area and the Interrupt Event Queue (research §4.7), through
/// the generated <see cref="IsmSba"/> and <see cref="IsmEq"/> views only.
/// </summary>
internal static class IsmInterruptAreas
{
    /// <summary>
    /// ISM-DEV-DMBE-MASK (research §4.9, §7): the signal bit for DMBE index <paramref name="idx"/> is MSB-first bit
    /// (3 + idx) mod 16 of the 16-bit mask, i.e. rotate_right_16(0x1000, idx) as the DIBS loopback computes it.
    /// </summary>
    public static ushort SignalMask(byte idx)
    {
        int r = idx % 16;
        return (ushort)((0x1000 >> r) | (0x1000 << (16 - r)));
    }

    /// <summary>
    /// Rule 61 (ISM-SIGNAL-SBA-UPDATE): set DMB bit <paramref name="sbaIdx"/> (MSB-first, dmb_bits byte idx / 8,
    /// mask 0x80 >> idx mod 8), OR <paramref name="mask"/> into dmbe_mask[idx], then set the summary bit s.
    /// </summary>
    public static void SignalDmb(Span<byte> sbaArea, int sbaIdx, ushort mask)
    {
        ref var sba = ref IsmSba.View(sbaArea);
        sba.DmbBits[sbaIdx / 8] |= (byte)(0x80 >> (sbaIdx % 8));
        sba.SetDmbeMask(sbaIdx, (ushort)(sba.GetDmbeMask(sbaIdx) | mask));
        sba.Status.S = true;
    }

    /// <summary>Sets the event bit e: new IEQ entries exist (research §4.7).</summary>
    public static void SetEventBit(Span<byte> sbaArea) => IsmSba.View(sbaArea).Status.E = true;

    /// <summary>REG_SBA: the device starts from a zeroed SBA (ISM-DEV-REG-AREAS).</summary>
    public static void InitSba(Span<byte> sbaArea) => sbaArea[..IsmSba.Size].Clear();

    /// <summary>REG_IEQ: zero the queue, idx 0 (nothing written yet), ieq_len 512, entry_len 32 (ISM-DEV-REG-AREAS).</summary>
    public static void InitIeq(Span<byte> ieqArea)
    {
        ieqArea[..IsmEq.Size].Clear();
        ref var header = ref IsmEq.View(ieqArea).Header;
        header.IeqLen = IsmEq.Size;
        header.EntryLen = IsmEvent.Size;
    }

    /// <summary>
    /// Rule 63 (ISM-IEQ-LAYOUT-IDX) and ISM-DEV-IEQ-OVERWRITE: write the event into entry <paramref name="slot"/>, then
    /// set header.idx = slot + 1 (the entry is complete before idx announces it); returns the next slot, wrapping
    /// after entry 14. Unconsumed entries are overwritten; the device does not detect overflow.
    /// </summary>
    public static int PostEvent(Span<byte> ieqArea, int slot, in IsmEvent ev)
    {
        ref var eq = ref IsmEq.View(ieqArea);
        eq.Entry[slot] = ev;
        eq.Header.Idx = (ulong)slot + 1;
        return (slot + 1) % IsmEq.EntryLength;
    }
}
