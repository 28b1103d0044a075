using System.Buffers.Binary;

namespace IsmSpec.VirtioIsm.Remote;

/// <summary>Operations of the remote transport: the common-configuration accesses a guest makes (virtio 1.x §4.1.4.3).</summary>
internal enum TransportOp : uint
{
    GetStatus = 1,
    SetStatus = 2,
    GetDeviceFeatures = 3,
    GetDriverFeatures = 4,
    SetDriverFeatures = 5,
    GetConfigGeneration = 6,
    ReadConfig = 7,
    SetQueue = 8,
    GetShm = 9,
    GetDeviceId = 10,
}

/// <summary>
/// Fixed-size frames of the remote transport (a Unix stream socket between a guest process and the device host).
/// Request: <c>u32 op; u32 arg; u64 a, b, c, d</c> (40 bytes). Response: <c>u64 value; u8 data[32]</c> (40 bytes).
/// The socket doubles as the guest's liveness: when it closes, the host unplugs the guest's device.
/// </summary>
internal static class TransportFrame
{
    public const int Size = 40;

    public static void WriteRequest(Span<byte> frame, TransportOp op, uint arg, ulong a = 0, ulong b = 0, ulong c = 0, ulong d = 0)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)op);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], arg);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[8..], a);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[16..], b);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[24..], c);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[32..], d);
    }

    public static TransportOp Op(ReadOnlySpan<byte> frame) => (TransportOp)BinaryPrimitives.ReadUInt32LittleEndian(frame);
    public static uint Arg(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]);
    public static ulong Word(ReadOnlySpan<byte> frame, int index) => BinaryPrimitives.ReadUInt64LittleEndian(frame[(8 + 8 * index)..]);

    public static void WriteValue(Span<byte> frame, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(frame, value);
    public static ulong Value(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt64LittleEndian(frame);
    public static Span<byte> Data(Span<byte> frame) => frame[8..];

    /// <summary>Reads exactly one frame; false at end of stream.</summary>
    public static bool ReadExactly(Stream stream, Span<byte> frame)
    {
        int done = 0;
        while (done < frame.Length)
        {
            int n = stream.Read(frame[done..]);
            if (n == 0) return false;
            done += n;
        }
        return true;
    }
}
