using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Dibs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.S390Ism.Driver;

/// <summary>
/// move_data framing (research §4.9; rules 56–60), observed at the store blocks the driver issues. The suite answers
/// the store blocks itself (0, or a failure at a generated chunk), so any token, index and offset can be used.
/// </summary>
public sealed partial class IsmDriverSuite
{
    /// <summary>A move: token (low 32 bits zero), signalling index, sf, target offset, size, and the store block that fails (or none).</summary>
    public sealed record MoveCase(ulong Token, uint Idx, bool Sf, uint Offset, int Size, int? FailAt, ushort Code)
    {
        public override string ToString() => $"MoveCase(token {Token:X16}, idx {Idx}, sf {Sf}, offset {Offset}, size {Size}, fail at {FailAt?.ToString() ?? "-"} 0x{Code:X4})";
    }

    private static readonly Gen<ulong> Tokens = Gen.Zip(Gen.Choose(0, 0xFFFF), Gen.Choose(1, 0xFFFF)).Select(t => ((ulong)t.Item1 << 48) | ((ulong)t.Item2 << 32));

    /// <summary>Offsets anywhere in a 1 MiB DMB, often near a 4 KiB boundary; sizes from 1 byte to a few pages.</summary>
    private static Gen<MoveCase> Moves(bool fail, int minSize = 1) =>
        Gen.Zip(Gen.Zip(Tokens, Gen.Choose(0, 255)), Gen.Zip(Gen.Zip(Gen.Elements(true, false), Gen.Frequency((2, Gen.Choose(0, (1 << 20) - 1)), (1, Gen.Choose(0, 255).Select(p => p * 4096 + 4096 - p % 9)))),
                Gen.Zip(Gen.Frequency((3, Gen.Choose(minSize, 12000)), (1, Gen.Choose(Math.Max(minSize, 4090), 4100))), Gen.Zip(fail ? Gen.Choose(0, 3).Select(x => (int?)x) : Gen.Constant<int?>(null), FailureCode))))
           .Select(t => new MoveCase(t.Item1.Item1, (uint)t.Item1.Item2, t.Item2.Item1.Item1, (uint)t.Item2.Item1.Item2,
                Math.Min(t.Item2.Item2.Item1, Math.Max(minSize, (1 << 20) - t.Item2.Item1.Item2)), t.Item2.Item2.Item2.Item1, t.Item2.Item2.Item2.Item2));

    private static byte[] Data(MoveCase c) => Enumerable.Range(0, c.Size).Select(i => (byte)(i * 31 + c.Offset + 7)).ToArray();

    /// <summary>Runs the move against a sink that fails store block <see cref="MoveCase.FailAt"/>; returns the code and the store blocks.</summary>
    private (int Rc, IReadOnlyList<PciOp> Blocks) Move(MoveCase c, byte[] data)
    {
        using var b = Open(setup: p =>
        {
            p.SinkStores = true;
            p.FailStore = n => n == c.FailAt ? c.Code : null;
        });
        int rc = b.Ops.MoveData(b.Dev, c.Token, c.Idx, c.Sf, c.Offset, data);
        return (rc, b.Pci.Blocks);
    }

    /// <summary>
    /// Rule 56: every store block is addressed by token | idx &lt;&lt; 24 | sf &lt;&lt; 23 | offset — the token's bits
    /// 32..63, the signalling index in bits 24..31, and in bits 0..22 a target offset inside the moved range, the first
    /// store's being the move's offset (bit 23 is rule 58's, how the range is cut is rule 57's).
    /// </summary>
    [Checks(S390IsmSpec.Ids.IsmMoveAddrWord)]
    public Property StoreWordIsTokenIdxSfOffset() => ForAll(Moves(fail: false), c =>
    {
        var (_, blocks) = Move(c, Data(c));
        That(blocks.Count > 0, $"a move of {c.Size} bytes issued no store block");
        foreach (var (block, k) in blocks.Select((x, k) => (x, k)))
        {
            ulong w = block.Word, offset = w & 0x7F_FFFF;
            That(w >> 32 == c.Token >> 32 && ((w >> 24) & 0xFF) == c.Idx, $"store {k} word {w:X16}: expected token {c.Token >> 32:X8} in bits 32..63 and idx {c.Idx:X2} in bits 24..31");
            That(k == 0 ? offset == c.Offset : offset >= c.Offset && offset < c.Offset + (ulong)c.Size, $"store {k} word {w:X16}: offset {offset:X6} in bits 0..22 is {(k == 0 ? $"not the move's offset {c.Offset:X6}" : "outside the moved range")}");
        }
    });

    /// <summary>
    /// Rule 57: the chunks are 1..4096 bytes, none crosses a 4 KiB boundary of the target offset, in order they cover
    /// exactly the data; a failing store block ends the move (no store after it).
    /// </summary>
    [Checks(S390IsmSpec.Ids.IsmMoveChunk4K)]
    public Property ChunksNeverCross4K() => ForAll(Moves(fail: true), c =>
    {
        var data = Data(c);
        var (_, blocks) = Move(c, data);
        long at = c.Offset;
        foreach (var (block, k) in blocks.Select((x, k) => (x, k)))
        {
            long offset = (long)(block.Word & 0x7F_FFFF);
            int n = block.Data.Length;
            That(n is > 0 and <= 4096 && offset % 4096 + n <= 4096, $"store {k}: {n} bytes at offset {offset} cross a 4 KiB boundary of the target offset");
            That(offset == at && block.Data.AsSpan().SequenceEqual(data.AsSpan((int)(at - c.Offset), n)), $"store {k}: {n} bytes at offset {offset} are not the data's next bytes (expected offset {at})");
            at += n;
            if (k == c.FailAt)
            {
                That(k == blocks.Count - 1, $"store {k} failed, yet {blocks.Count - 1 - k} more store blocks followed");
                return;
            }
        }
        That(at == c.Offset + c.Size, $"the stores covered {at - c.Offset} of {c.Size} bytes");
    });

    /// <summary>Rule 58: sf only on the final store block, and there exactly when the caller asked for a signal.</summary>
    [Checks(S390IsmSpec.Ids.IsmMoveSfLast)]
    public Property SfOnlyOnTheLastChunk() => ForAll(Moves(fail: false), c =>
    {
        var (_, blocks) = Move(c, Data(c));
        That(blocks.Count > 0, $"a move of {c.Size} bytes issued no store block");
        var sf = blocks.Select(x => (x.Word >> 23 & 1) == 1).ToArray();
        That(sf[..^1].All(s => !s) && sf[^1] == c.Sf, $"sf per store [{string.Join("", sf.Select(s => s ? '1' : '0'))}] for a move with sf {c.Sf}: expected only the last store to carry it");
    });

    /// <summary>Rule 59: a move of 0 bytes issues no store block (so no signal), whatever sf says; the same move with 1 byte does (the control).</summary>
    [Checks(S390IsmSpec.Ids.IsmMoveZeroSize)]
    public Property ZeroSizeStoresNothing() => ForAll(Moves(fail: false), c =>
    {
        var (_, none) = Move(c, []);
        That(none.Count == 0, $"a move of 0 bytes (sf {c.Sf}, offset {c.Offset}) issued {none.Count} store blocks: {string.Join(", ", none)}");
        var (_, one) = Move(c, [0x5A]);
        That(one.Count == 1, $"the control move of 1 byte issued {one.Count} store blocks, so the 0-byte case proves nothing");
    });

    /// <summary>Rule 60: a store block refused with any code makes move_data -EIO.</summary>
    [Checks(S390IsmSpec.Ids.IsmMoveStoreEio)]
    public Property FailedStoreIsEio() => ForAll(Moves(fail: true), c =>
    {
        var failAt = Math.Min(c.FailAt ?? 0, (int)((c.Offset % 4096 + (uint)c.Size - 1) / 4096));
        var (rc, blocks) = Move(c with { FailAt = failAt }, Data(c));
        That(blocks.Count > failAt, $"the move issued {blocks.Count} store blocks, fewer than needed to reach the failing one ({failAt})");
        That(rc == -Errno.EIO, $"store block {failAt} refused with 0x{c.Code:X4}: move_data returned {Errno.Name(rc)}, not -EIO");
    });
}
