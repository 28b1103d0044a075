using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IsmSpec.Conformance.Smc;

/// <summary>
/// The suite playing the peer: it writes ring bytes and a CDC message straight into a connection's receive DMB
/// (through the recording device's memory, so nothing is logged as the client's) and raises handle_irq.
/// Cursors are stored with one aligned 8-byte store each, as smcd_curs_copy expects.
/// </summary>
internal static class FakePeer
{
    public static ulong Cursor(ushort wrap, uint count, byte prodFlags = 0, byte connFlags = 0)
    {
        Span<byte> b = stackalloc byte[8];
        MemoryMarshal.Write(b, in wrap);
        MemoryMarshal.Write(b[2..], in count);
        b[6] = prodFlags;
        b[7] = connFlags;
        return MemoryMarshal.Read<ulong>(b);
    }

    /// <summary>Stores a CDC message: type, then cons, then prod (the producer cursor last, as it publishes the data).</summary>
    public static void Header(Span<byte> dmb, byte type, ulong prod, ulong cons = 0)
    {
        ref var start = ref MemoryMarshal.GetReference(dmb);
        Volatile.Write(ref start, type);
        Volatile.Write(ref Unsafe.As<byte, ulong>(ref Unsafe.Add(ref start, 16)), cons);
        Volatile.Write(ref Unsafe.As<byte, ulong>(ref Unsafe.Add(ref start, 8)), prod);
    }

    /// <summary>One aligned 8-byte load of the cursor at <paramref name="at"/>.</summary>
    public static (ushort Wrap, uint Count) Load(ReadOnlySpan<byte> dmb, int at)
    {
        var v = Volatile.Read(ref Unsafe.As<byte, ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(dmb), at)));
        Span<byte> b = stackalloc byte[8];
        MemoryMarshal.Write(b, in v);
        return (MemoryMarshal.Read<ushort>(b), MemoryMarshal.Read<uint>(b[2..]));
    }

    /// <summary>Writes <paramref name="data"/> at producer position <paramref name="start"/> of a ring of <paramref name="ring"/> bytes, publishes the new cursor and signals.</summary>
    public static void Send(SmcdBed bed, ulong token, int ring, long start, ReadOnlySpan<byte> data, byte connFlags = 0)
    {
        var dmb = (bed.Rec.Bytes(token) ?? throw new ConformanceViolation("the receive DMB is gone")).Span;
        for (var i = 0; i < data.Length; i++)
            dmb[32 + (int)((start + i) % ring)] = data[i];
        var end = start + data.Length;
        Header(dmb, 0xFE, Cursor((ushort)(end / ring), (uint)(end % ring)), Cursor(0, 0, 0, connFlags));
        bed.Rec.RaiseIrq(token, 0x1000);
    }
}
