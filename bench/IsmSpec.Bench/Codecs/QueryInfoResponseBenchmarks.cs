using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Bench.Codecs;

/// <summary>The 200-byte QUERY_INFO response, with its be16 vlan_id[64] array at 72 (research §4.5): decode everything, or encode everything as a device answering QUERY_INFO does.</summary>
[MemoryDiagnoser, CategoriesColumn, GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class QueryInfoResponseBenchmarks
{
    private readonly byte[] _wire = new byte[IsmQiResponse.Size];
    private readonly byte[] _out = new byte[IsmQiResponse.Size];
    private BinaryReader _reader = null!;
    private BinaryWriter _writer = null!;

    [InlineArray(64)]
    private struct Vlans { private ushort _e; }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct NativeQi
    {
        public uint Cmd; public ushort Ret; public ushort Len; public uint Version; public uint MaxLen; public ulong IsmState; public ulong MyGid;
        public ulong Sba; public ulong Ieq; public uint IeqLen; public uint Res; public uint DmbsOwned; public uint DmbsUsed;
        public uint VlanRequired; public uint VlanNrIds; public Vlans VlanId;
    }

    [GlobalSetup]
    public void Setup()
    {
        var v = new IsmQiResponse { Version = 1, MaxLen = 1 << 20, MyGid = 0x4953_0000_1234_5678, Sba = 0x1000, Ieq = 0x2000, IeqLen = 512, DmbsOwned = 7, DmbsUsed = 3, VlanNrIds = 64 };
        v.Hdr.Cmd = 8; v.Hdr.Len = 200;
        for (int i = 0; i < 64; i++) v.SetVlanId(i, (ushort)(100 + i));
        v.TryWrite(_wire);
        _reader = new BinaryReader(new MemoryStream(_wire));
        _writer = new BinaryWriter(new MemoryStream(new byte[IsmQiResponse.Size]));
    }

    [Benchmark(Baseline = true), BenchmarkCategory("read")]
    public ulong Read_HandWritten()
    {
        ReadOnlySpan<byte> b = _wire;
        ulong sum = BinaryPrimitives.ReadUInt32BigEndian(b) + BinaryPrimitives.ReadUInt16BigEndian(b[4..]) + BinaryPrimitives.ReadUInt16BigEndian(b[6..])
                  + BinaryPrimitives.ReadUInt32BigEndian(b[8..]) + BinaryPrimitives.ReadUInt32BigEndian(b[12..]) + BinaryPrimitives.ReadUInt64BigEndian(b[16..])
                  + BinaryPrimitives.ReadUInt64BigEndian(b[24..]) + BinaryPrimitives.ReadUInt64BigEndian(b[32..]) + BinaryPrimitives.ReadUInt64BigEndian(b[40..])
                  + BinaryPrimitives.ReadUInt32BigEndian(b[48..]) + BinaryPrimitives.ReadUInt32BigEndian(b[56..]) + BinaryPrimitives.ReadUInt32BigEndian(b[60..])
                  + BinaryPrimitives.ReadUInt32BigEndian(b[64..]) + BinaryPrimitives.ReadUInt32BigEndian(b[68..]);
        for (int i = 0; i < 64; i++) sum += BinaryPrimitives.ReadUInt16BigEndian(b[(72 + 2 * i)..]);
        return sum;
    }

    [Benchmark, BenchmarkCategory("read")]
    public ulong Read_Generated()
    {
        ref readonly var v = ref IsmQiResponse.ReadOnlyView(_wire);
        ulong sum = v.Hdr.Cmd + v.Hdr.Ret + v.Hdr.Len + v.Version + v.MaxLen + v.IsmState + v.MyGid + v.Sba + v.Ieq + v.IeqLen
                  + v.DmbsOwned + v.DmbsUsed + v.VlanRequired + v.VlanNrIds;
        for (int i = 0; i < 64; i++) sum += v.GetVlanId(i);
        return sum;
    }

    [Benchmark, BenchmarkCategory("read")]
    public unsafe ulong Read_MarshalPtrToStructure()
    {
        fixed (byte* p = _wire)
        {
            var n = Marshal.PtrToStructure<NativeQi>((IntPtr)p);
            ulong sum = BinaryPrimitives.ReverseEndianness(n.Cmd) + BinaryPrimitives.ReverseEndianness(n.Ret) + BinaryPrimitives.ReverseEndianness(n.Len)
                      + BinaryPrimitives.ReverseEndianness(n.Version) + BinaryPrimitives.ReverseEndianness(n.MaxLen) + BinaryPrimitives.ReverseEndianness(n.IsmState)
                      + BinaryPrimitives.ReverseEndianness(n.MyGid) + BinaryPrimitives.ReverseEndianness(n.Sba) + BinaryPrimitives.ReverseEndianness(n.Ieq)
                      + BinaryPrimitives.ReverseEndianness(n.IeqLen) + BinaryPrimitives.ReverseEndianness(n.DmbsOwned) + BinaryPrimitives.ReverseEndianness(n.DmbsUsed)
                      + BinaryPrimitives.ReverseEndianness(n.VlanRequired) + BinaryPrimitives.ReverseEndianness(n.VlanNrIds);
            for (int i = 0; i < 64; i++) sum += BinaryPrimitives.ReverseEndianness(n.VlanId[i]);
            return sum;
        }
    }

    [Benchmark, BenchmarkCategory("read")]
    public ulong Read_BinaryReader()
    {
        var r = _reader;
        r.BaseStream.Position = 0;
        ulong sum = BinaryPrimitives.ReverseEndianness(r.ReadUInt32()) + BinaryPrimitives.ReverseEndianness(r.ReadUInt16()) + BinaryPrimitives.ReverseEndianness(r.ReadUInt16())
                  + BinaryPrimitives.ReverseEndianness(r.ReadUInt32()) + BinaryPrimitives.ReverseEndianness(r.ReadUInt32());
        for (int i = 0; i < 4; i++) sum += BinaryPrimitives.ReverseEndianness(r.ReadUInt64());
        sum += BinaryPrimitives.ReverseEndianness(r.ReadUInt32());
        r.ReadUInt32();
        for (int i = 0; i < 4; i++) sum += BinaryPrimitives.ReverseEndianness(r.ReadUInt32());
        for (int i = 0; i < 64; i++) sum += BinaryPrimitives.ReverseEndianness(r.ReadUInt16());
        return sum;
    }

    // ---- write: every field, as a device answering QUERY_INFO does ----

    [Benchmark(Baseline = true), BenchmarkCategory("write")]
    public byte Write_HandWritten()
    {
        Span<byte> b = _out;
        BinaryPrimitives.WriteUInt32BigEndian(b, 8); BinaryPrimitives.WriteUInt16BigEndian(b[4..], 0); BinaryPrimitives.WriteUInt16BigEndian(b[6..], 200);
        BinaryPrimitives.WriteUInt32BigEndian(b[8..], 1); BinaryPrimitives.WriteUInt32BigEndian(b[12..], 1 << 20);
        BinaryPrimitives.WriteUInt64BigEndian(b[16..], 0); BinaryPrimitives.WriteUInt64BigEndian(b[24..], 0x4953_0000_1234_5678);
        BinaryPrimitives.WriteUInt64BigEndian(b[32..], 0x1000); BinaryPrimitives.WriteUInt64BigEndian(b[40..], 0x2000);
        BinaryPrimitives.WriteUInt32BigEndian(b[48..], 512); BinaryPrimitives.WriteUInt32BigEndian(b[52..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(b[56..], 7); BinaryPrimitives.WriteUInt32BigEndian(b[60..], 3);
        BinaryPrimitives.WriteUInt32BigEndian(b[64..], 0); BinaryPrimitives.WriteUInt32BigEndian(b[68..], 64);
        for (int i = 0; i < 64; i++) BinaryPrimitives.WriteUInt16BigEndian(b[(72 + 2 * i)..], (ushort)(100 + i));
        return _out[199];
    }

    [Benchmark, BenchmarkCategory("write")]
    public byte Write_Generated()
    {
        var v = new IsmQiResponse { Version = 1, MaxLen = 1 << 20, MyGid = 0x4953_0000_1234_5678, Sba = 0x1000, Ieq = 0x2000, IeqLen = 512, DmbsOwned = 7, DmbsUsed = 3, VlanNrIds = 64 };
        v.Hdr.Cmd = 8; v.Hdr.Len = 200;
        for (int i = 0; i < 64; i++) v.SetVlanId(i, (ushort)(100 + i));
        v.TryWrite(_out);
        return _out[199];
    }

    [Benchmark, BenchmarkCategory("write")]
    public unsafe byte Write_MarshalStructureToPtr()
    {
        var n = new NativeQi
        {
            Cmd = BinaryPrimitives.ReverseEndianness(8u), Len = BinaryPrimitives.ReverseEndianness((ushort)200), Version = BinaryPrimitives.ReverseEndianness(1u),
            MaxLen = BinaryPrimitives.ReverseEndianness(1u << 20), MyGid = BinaryPrimitives.ReverseEndianness(0x4953_0000_1234_5678UL),
            Sba = BinaryPrimitives.ReverseEndianness(0x1000UL), Ieq = BinaryPrimitives.ReverseEndianness(0x2000UL), IeqLen = BinaryPrimitives.ReverseEndianness(512u),
            DmbsOwned = BinaryPrimitives.ReverseEndianness(7u), DmbsUsed = BinaryPrimitives.ReverseEndianness(3u), VlanNrIds = BinaryPrimitives.ReverseEndianness(64u),
        };
        for (int i = 0; i < 64; i++) n.VlanId[i] = BinaryPrimitives.ReverseEndianness((ushort)(100 + i));
        fixed (byte* p = _out) Marshal.StructureToPtr(n, (IntPtr)p, false);
        return _out[199];
    }

    [Benchmark, BenchmarkCategory("write")]
    public long Write_BinaryWriter()
    {
        var w = _writer;
        w.BaseStream.Position = 0;
        w.Write(BinaryPrimitives.ReverseEndianness(8u)); w.Write((ushort)0); w.Write(BinaryPrimitives.ReverseEndianness((ushort)200));
        w.Write(BinaryPrimitives.ReverseEndianness(1u)); w.Write(BinaryPrimitives.ReverseEndianness(1u << 20));
        w.Write(0UL); w.Write(BinaryPrimitives.ReverseEndianness(0x4953_0000_1234_5678UL));
        w.Write(BinaryPrimitives.ReverseEndianness(0x1000UL)); w.Write(BinaryPrimitives.ReverseEndianness(0x2000UL));
        w.Write(BinaryPrimitives.ReverseEndianness(512u)); w.Write(0u);
        w.Write(BinaryPrimitives.ReverseEndianness(7u)); w.Write(BinaryPrimitives.ReverseEndianness(3u));
        w.Write(0u); w.Write(BinaryPrimitives.ReverseEndianness(64u));
        for (int i = 0; i < 64; i++) w.Write(BinaryPrimitives.ReverseEndianness((ushort)(100 + i)));
        return w.BaseStream.Position;
    }
}
