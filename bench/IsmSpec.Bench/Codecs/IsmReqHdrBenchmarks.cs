using System.Buffers.Binary;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Bench.Codecs;

/// <summary>The 8-byte s390 ISM request header {be32 cmd; be16 reserved; be16 len} (research §4.4).</summary>
[MemoryDiagnoser, CategoriesColumn, GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class IsmReqHdrBenchmarks
{
    private readonly byte[] _wire = [0, 0, 0, 0x0A, 0, 0, 0, 40];
    private readonly byte[] _out = new byte[IsmReqHdr.Size];
    private BinaryReader _reader = null!;
    private BinaryWriter _writer = null!;

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct NativeHdr { public uint Cmd; public ushort Res; public ushort Len; }

    [GlobalSetup]
    public void Setup()
    {
        _reader = new BinaryReader(new MemoryStream(_wire));
        _writer = new BinaryWriter(new MemoryStream(new byte[IsmReqHdr.Size]));
    }

    [Benchmark(Baseline = true), BenchmarkCategory("read")]
    public uint Read_HandWritten() => BinaryPrimitives.ReadUInt32BigEndian(_wire) + BinaryPrimitives.ReadUInt16BigEndian(_wire.AsSpan(6));

    [Benchmark, BenchmarkCategory("read")]
    public uint Read_Generated()
    {
        IsmReqHdr.TryRead(_wire, out var h);
        return h.Cmd + h.Len;
    }

    [Benchmark, BenchmarkCategory("read")]
    public unsafe uint Read_MarshalPtrToStructure()
    {
        fixed (byte* p = _wire)
        {
            var n = Marshal.PtrToStructure<NativeHdr>((IntPtr)p);
            return BinaryPrimitives.ReverseEndianness(n.Cmd) + BinaryPrimitives.ReverseEndianness(n.Len);
        }
    }

    [Benchmark, BenchmarkCategory("read")]
    public uint Read_BinaryReader()
    {
        _reader.BaseStream.Position = 0;
        uint cmd = BinaryPrimitives.ReverseEndianness(_reader.ReadUInt32());
        _reader.ReadUInt16();
        return cmd + BinaryPrimitives.ReverseEndianness(_reader.ReadUInt16());
    }

    [Benchmark(Baseline = true), BenchmarkCategory("write")]
    public byte Write_HandWritten()
    {
        BinaryPrimitives.WriteUInt32BigEndian(_out, 0xA);
        BinaryPrimitives.WriteUInt16BigEndian(_out.AsSpan(4), 0);
        BinaryPrimitives.WriteUInt16BigEndian(_out.AsSpan(6), 40);
        return _out[7];
    }

    [Benchmark, BenchmarkCategory("write")]
    public byte Write_Generated()
    {
        var h = new IsmReqHdr { Cmd = 0xA, Len = 40 };
        h.TryWrite(_out);
        return _out[7];
    }

    [Benchmark, BenchmarkCategory("write")]
    public unsafe byte Write_MarshalStructureToPtr()
    {
        var n = new NativeHdr { Cmd = BinaryPrimitives.ReverseEndianness(0xAu), Len = BinaryPrimitives.ReverseEndianness((ushort)40) };
        fixed (byte* p = _out) Marshal.StructureToPtr(n, (IntPtr)p, false);
        return _out[7];
    }

    [Benchmark, BenchmarkCategory("write")]
    public long Write_BinaryWriter()
    {
        _writer.BaseStream.Position = 0;
        _writer.Write(BinaryPrimitives.ReverseEndianness(0xAu));
        _writer.Write((ushort)0);
        _writer.Write(BinaryPrimitives.ReverseEndianness((ushort)40));
        return _writer.BaseStream.Position;
    }
}
