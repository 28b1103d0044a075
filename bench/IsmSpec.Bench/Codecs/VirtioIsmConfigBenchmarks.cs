using System.Buffers.Binary;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.Bench.Codecs;

/// <summary>The little-endian 32-byte virtio_ism_config (draft: gid, devid, region_size, notify_size).</summary>
[MemoryDiagnoser, CategoriesColumn, GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class VirtioIsmConfigBenchmarks
{
    private readonly byte[] _wire = new byte[VirtioIsmConfig.Size];
    private readonly byte[] _out = new byte[VirtioIsmConfig.Size];
    private BinaryReader _reader = null!;
    private BinaryWriter _writer = null!;

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct NativeConfig { public ulong Gid; public ulong Devid; public ulong RegionSize; public ulong NotifySize; }

    [GlobalSetup]
    public void Setup()
    {
        new VirtioIsmConfig { Gid = 0x1122_3344_5566_7788, Devid = 42, RegionSize = 1 << 20, NotifySize = 4096 }.TryWrite(_wire);
        _reader = new BinaryReader(new MemoryStream(_wire));
        _writer = new BinaryWriter(new MemoryStream(new byte[VirtioIsmConfig.Size]));
    }

    [Benchmark(Baseline = true), BenchmarkCategory("read")]
    public ulong Read_HandWritten()
    {
        ReadOnlySpan<byte> b = _wire;
        return BinaryPrimitives.ReadUInt64LittleEndian(b) + BinaryPrimitives.ReadUInt64LittleEndian(b[8..])
             + BinaryPrimitives.ReadUInt64LittleEndian(b[16..]) + BinaryPrimitives.ReadUInt64LittleEndian(b[24..]);
    }

    [Benchmark, BenchmarkCategory("read")]
    public ulong Read_Generated()
    {
        VirtioIsmConfig.TryRead(_wire, out var c);
        return c.Gid + c.Devid + c.RegionSize + c.NotifySize;
    }

    [Benchmark, BenchmarkCategory("read")]
    public unsafe ulong Read_MarshalPtrToStructure()
    {
        fixed (byte* p = _wire)
        {
            var n = Marshal.PtrToStructure<NativeConfig>((IntPtr)p);
            return n.Gid + n.Devid + n.RegionSize + n.NotifySize;
        }
    }

    [Benchmark, BenchmarkCategory("read")]
    public ulong Read_BinaryReader()
    {
        _reader.BaseStream.Position = 0;
        return _reader.ReadUInt64() + _reader.ReadUInt64() + _reader.ReadUInt64() + _reader.ReadUInt64();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("write")]
    public byte Write_HandWritten()
    {
        Span<byte> b = _out;
        BinaryPrimitives.WriteUInt64LittleEndian(b, 0x1122_3344_5566_7788); BinaryPrimitives.WriteUInt64LittleEndian(b[8..], 42);
        BinaryPrimitives.WriteUInt64LittleEndian(b[16..], 1 << 20); BinaryPrimitives.WriteUInt64LittleEndian(b[24..], 4096);
        return b[31];
    }

    [Benchmark, BenchmarkCategory("write")]
    public byte Write_Generated()
    {
        new VirtioIsmConfig { Gid = 0x1122_3344_5566_7788, Devid = 42, RegionSize = 1 << 20, NotifySize = 4096 }.TryWrite(_out);
        return _out[31];
    }

    [Benchmark, BenchmarkCategory("write")]
    public unsafe byte Write_MarshalStructureToPtr()
    {
        var n = new NativeConfig { Gid = 0x1122_3344_5566_7788, Devid = 42, RegionSize = 1 << 20, NotifySize = 4096 };
        fixed (byte* p = _out) Marshal.StructureToPtr(n, (IntPtr)p, false);
        return _out[31];
    }

    [Benchmark, BenchmarkCategory("write")]
    public long Write_BinaryWriter()
    {
        _writer.BaseStream.Position = 0;
        _writer.Write(0x1122_3344_5566_7788UL); _writer.Write(42UL); _writer.Write(1UL << 20); _writer.Write(4096UL);
        return _writer.BaseStream.Position;
    }
}
