using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Bench.Codecs;

/// <summary>The ISM move_data address word token | idx&lt;&lt;24 | sf&lt;&lt;23 | offset (research §4.9) as a be64 bitfield.</summary>
[MemoryDiagnoser, CategoriesColumn, GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class MoveDataWordBenchmarks
{
    private readonly byte[] _wire = new byte[8];
    private readonly byte[] _out = new byte[8];

    [GlobalSetup]
    public void Setup() => BinaryPrimitives.WriteUInt64BigEndian(_wire, 0x1234_5678_0000_0000UL | (0x5AUL << 24) | (1UL << 23) | 0x12_3456);

    [Benchmark(Baseline = true), BenchmarkCategory("decode")]
    public ulong Decode_HandWritten()
    {
        ulong w = BinaryPrimitives.ReadUInt64BigEndian(_wire);
        return (w & 0x7F_FFFF) + ((w >> 23) & 1) + ((w >> 24) & 0xFF) + (w >> 32);
    }

    [Benchmark, BenchmarkCategory("decode")]
    public ulong Decode_Generated()
    {
        IsmDmbReq.TryRead(_wire, out var w);
        return w.Offset + (w.Sf ? 1UL : 0UL) + w.Idx + w.Token;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("encode")]
    public byte Encode_HandWritten()
    {
        BinaryPrimitives.WriteUInt64BigEndian(_out, ((ulong)0x1234_5678 << 32) | (0x5AUL << 24) | (1UL << 23) | 0x12_3456);
        return _out[7];
    }

    [Benchmark, BenchmarkCategory("encode")]
    public byte Encode_Generated()
    {
        var w = new IsmDmbReq { Token = 0x1234_5678, Idx = 0x5A, Sf = true, Offset = 0x12_3456 };
        w.TryWrite(_out);
        return _out[7];
    }
}
