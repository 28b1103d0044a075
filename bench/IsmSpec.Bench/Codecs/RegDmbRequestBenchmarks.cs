using System.Buffers.Binary;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Bench.Codecs;

/// <summary>
/// The 40-byte s390 ISM REG_DMB request (big-endian, research §4.5): decode every field and encode it,
/// generated codec against hand-written BinaryPrimitives (baseline), Marshal and BinaryReader/Writer.
/// </summary>
[MemoryDiagnoser, CategoriesColumn, GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class RegDmbRequestBenchmarks
{
    private readonly byte[] _wire = new byte[IsmRegDmbRequest.Size];
    private readonly byte[] _out = new byte[IsmRegDmbRequest.Size];
    private MemoryStream _stream = null!;
    private BinaryReader _reader = null!;
    private BinaryWriter _writer = null!;

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct NativeRegDmb
    {
        public uint Cmd; public ushort Res; public ushort Len; public ulong Dmb;
        public uint DmbLen; public uint SbaIdx; public uint VlanValid; public uint VlanId; public ulong Rgid;
    }

    [GlobalSetup]
    public void Setup()
    {
        var v = new IsmRegDmbRequest { Dmb = 0x0000_7F00_1234_5000, DmbLen = 65536, SbaIdx = 33, VlanValid = 1, VlanId = 0x1FFF, Rgid = 0xABCD_EF01_2345_6789 };
        v.Hdr.Cmd = 0xA; v.Hdr.Len = 40;
        v.TryWrite(_wire);
        _stream = new MemoryStream(new byte[IsmRegDmbRequest.Size]);
        _reader = new BinaryReader(new MemoryStream(_wire));
        _writer = new BinaryWriter(_stream);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("read")]
    public ulong Read_HandWritten()
    {
        ReadOnlySpan<byte> b = _wire;
        return BinaryPrimitives.ReadUInt32BigEndian(b) + BinaryPrimitives.ReadUInt16BigEndian(b[6..]) + BinaryPrimitives.ReadUInt64BigEndian(b[8..])
             + BinaryPrimitives.ReadUInt32BigEndian(b[16..]) + BinaryPrimitives.ReadUInt32BigEndian(b[20..]) + BinaryPrimitives.ReadUInt32BigEndian(b[24..])
             + BinaryPrimitives.ReadUInt32BigEndian(b[28..]) + BinaryPrimitives.ReadUInt64BigEndian(b[32..]);
    }

    [Benchmark, BenchmarkCategory("read")]
    public ulong Read_Generated()
    {
        IsmRegDmbRequest.TryRead(_wire, out var v);
        return v.Hdr.Cmd + v.Hdr.Len + v.Dmb + v.DmbLen + v.SbaIdx + v.VlanValid + v.VlanId + v.Rgid;
    }

    [Benchmark, BenchmarkCategory("read")]
    public ulong Read_GeneratedView()
    {
        ref readonly var v = ref IsmRegDmbRequest.ReadOnlyView(_wire);
        return v.Hdr.Cmd + v.Hdr.Len + v.Dmb + v.DmbLen + v.SbaIdx + v.VlanValid + v.VlanId + v.Rgid;
    }

    [Benchmark, BenchmarkCategory("read")]
    public unsafe ulong Read_MarshalPtrToStructure()
    {
        fixed (byte* p = _wire)
        {
            var n = Marshal.PtrToStructure<NativeRegDmb>((IntPtr)p);
            return BinaryPrimitives.ReverseEndianness(n.Cmd) + BinaryPrimitives.ReverseEndianness(n.Len) + BinaryPrimitives.ReverseEndianness(n.Dmb)
                 + BinaryPrimitives.ReverseEndianness(n.DmbLen) + BinaryPrimitives.ReverseEndianness(n.SbaIdx) + BinaryPrimitives.ReverseEndianness(n.VlanValid)
                 + BinaryPrimitives.ReverseEndianness(n.VlanId) + BinaryPrimitives.ReverseEndianness(n.Rgid);
        }
    }

    [Benchmark, BenchmarkCategory("read")]
    public ulong Read_BinaryReader()
    {
        var r = _reader;
        r.BaseStream.Position = 0;
        ulong sum = BinaryPrimitives.ReverseEndianness(r.ReadUInt32());
        r.ReadUInt16();
        sum += BinaryPrimitives.ReverseEndianness(r.ReadUInt16()) + BinaryPrimitives.ReverseEndianness(r.ReadUInt64());
        for (int i = 0; i < 4; i++) sum += BinaryPrimitives.ReverseEndianness(r.ReadUInt32());
        return sum + BinaryPrimitives.ReverseEndianness(r.ReadUInt64());
    }

    [Benchmark(Baseline = true), BenchmarkCategory("write")]
    public byte Write_HandWritten()
    {
        Span<byte> b = _out;
        BinaryPrimitives.WriteUInt32BigEndian(b, 0xA); BinaryPrimitives.WriteUInt16BigEndian(b[4..], 0); BinaryPrimitives.WriteUInt16BigEndian(b[6..], 40);
        BinaryPrimitives.WriteUInt64BigEndian(b[8..], 0x0000_7F00_1234_5000); BinaryPrimitives.WriteUInt32BigEndian(b[16..], 65536);
        BinaryPrimitives.WriteUInt32BigEndian(b[20..], 33); BinaryPrimitives.WriteUInt32BigEndian(b[24..], 1);
        BinaryPrimitives.WriteUInt32BigEndian(b[28..], 0x1FFF); BinaryPrimitives.WriteUInt64BigEndian(b[32..], 0xABCD_EF01_2345_6789);
        return b[39];
    }

    [Benchmark, BenchmarkCategory("write")]
    public byte Write_Generated()
    {
        var v = new IsmRegDmbRequest { Dmb = 0x0000_7F00_1234_5000, DmbLen = 65536, SbaIdx = 33, VlanValid = 1, VlanId = 0x1FFF, Rgid = 0xABCD_EF01_2345_6789 };
        v.Hdr.Cmd = 0xA; v.Hdr.Len = 40;
        v.TryWrite(_out);
        return _out[39];
    }

    [Benchmark, BenchmarkCategory("write")]
    public unsafe byte Write_MarshalStructureToPtr()
    {
        var n = new NativeRegDmb
        {
            Cmd = BinaryPrimitives.ReverseEndianness(0xAu), Len = BinaryPrimitives.ReverseEndianness((ushort)40),
            Dmb = BinaryPrimitives.ReverseEndianness(0x0000_7F00_1234_5000UL), DmbLen = BinaryPrimitives.ReverseEndianness(65536u),
            SbaIdx = BinaryPrimitives.ReverseEndianness(33u), VlanValid = BinaryPrimitives.ReverseEndianness(1u),
            VlanId = BinaryPrimitives.ReverseEndianness(0x1FFFu), Rgid = BinaryPrimitives.ReverseEndianness(0xABCD_EF01_2345_6789UL),
        };
        fixed (byte* p = _out) Marshal.StructureToPtr(n, (IntPtr)p, false);
        return _out[39];
    }

    [Benchmark, BenchmarkCategory("write")]
    public long Write_BinaryWriter()
    {
        var w = _writer;
        w.BaseStream.Position = 0;
        w.Write(BinaryPrimitives.ReverseEndianness(0xAu)); w.Write((ushort)0); w.Write(BinaryPrimitives.ReverseEndianness((ushort)40));
        w.Write(BinaryPrimitives.ReverseEndianness(0x0000_7F00_1234_5000UL)); w.Write(BinaryPrimitives.ReverseEndianness(65536u));
        w.Write(BinaryPrimitives.ReverseEndianness(33u)); w.Write(BinaryPrimitives.ReverseEndianness(1u));
        w.Write(BinaryPrimitives.ReverseEndianness(0x1FFFu)); w.Write(BinaryPrimitives.ReverseEndianness(0xABCD_EF01_2345_6789UL));
        return w.BaseStream.Position;
    }
}
