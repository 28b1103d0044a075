using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using IsmSpec.Specs.Smc;

namespace IsmSpec.Smc;

/// <summary>
/// The 32-byte SMC-D CDC message at offset 0 of a DMB (generated <see cref="SmcdCdcMsg"/>, host order,
/// SMC-CDC-NATIVE-ORDER). Composed by the sender and written with one signalled move_data (rule 70);
/// read by the receiver from its own DMB after handle_irq (SMC-RECV-READS-HEADER).
/// </summary>
public static class CdcHeader
{
    /// <summary>Offset of the data ring inside a DMB (SMC-DMB-HEADER-AT-ZERO).</summary>
    public const int RingOffset = SmcSpec.SmcdCdcMsgLen;

    /// <summary>
    /// A CDC message: type 0xFE (SMC-CDC-TYPE); prod = the sender's producer cursor in the receiver's ring;
    /// cons = the sender's consumer cursor in its own ring; all flags in the cons cursor (SMC-CDC-FLAGS-IN-CONS).
    /// </summary>
    public static SmcdCdcMsg Compose(ulong producer, uint peerRing, ulong consumer, uint ownRing,
        SmcdProdFlags prodFlags, SmcdConnStateFlags connFlags)
    {
        var msg = new SmcdCdcMsg { Type = (byte)SmcSpec.SmcCdcMsgType };
        msg.Prod = SmcdCursor.FromPosition(producer, peerRing);
        msg.Cons = SmcdCursor.FromPosition(consumer, ownRing);
        msg.Cons.ProdFlags = prodFlags;
        msg.Cons.ConnStateFlags = connFlags;
        return msg;
    }

    /// <summary>
    /// Reads the message at the start of <paramref name="dmb"/> the way smcd_curs_copy does (atomic64 per
    /// cursor): each 8-byte cursor with one aligned acquire load, so a cursor is never torn as long as the
    /// device stores aligned 8-byte words whole, and ring bytes read afterwards are at least as new as the
    /// cursor that announced them. The type byte is loaded last: a device writes the message in address order,
    /// so a reader racing the first message into a fresh (all-zero) DMB that already sees its cursors also sees
    /// its type, never "type 0 with cursors" (which SMC-STREAM-PROTOCOL-ERROR would abort).
    /// </summary>
    public static SmcdCdcMsg Read(ReadOnlySpan<byte> dmb)
    {
        if (dmb.Length < SmcdCdcMsg.Size)
            throw new ArgumentException("a DMB holds at least the 32-byte CDC message", nameof(dmb));
        ref byte start = ref MemoryMarshal.GetReference(dmb);
        ulong prod = Volatile.Read(ref Unsafe.As<byte, ulong>(ref Unsafe.Add(ref start, 8)));
        ulong cons = Volatile.Read(ref Unsafe.As<byte, ulong>(ref Unsafe.Add(ref start, 16)));
        var msg = new SmcdCdcMsg { Type = Volatile.Read(ref start) };
        msg.Prod = Unsafe.As<ulong, SmcdCdcCursor>(ref prod);
        msg.Cons = Unsafe.As<ulong, SmcdCdcCursor>(ref cons);
        return msg;
    }

    /// <summary>The wire image of <paramref name="msg"/>.</summary>
    public static void Write(in SmcdCdcMsg msg, Span<byte> destination) => msg.TryWrite(destination);
}
