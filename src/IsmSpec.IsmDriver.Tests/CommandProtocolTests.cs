using System.Buffers.Binary;

namespace IsmSpec.IsmDriver.Tests;

/// <summary>The command protocol as the driver runs it (research §4.2; rules 44–46) and the exact bytes it stores.</summary>
public class CommandProtocolTests
{
    private static string[] Accesses(RecordingPci pci) =>
        pci.Ops.Where(o => o.Kind is "store" or "load").Select(o => $"{o.Kind}@{o.Offset} {o.Hex}").ToArray();

    private static string Z(int bytes) => new('0', bytes * 2);

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmCmdHdrLen)]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmByteOrderBe)]
    public void Exact_big_endian_bytes_of_every_block_the_driver_stores_and_loads()
    {
        var fabric = new IsmFabric(0x0123);
        var peer = IsmSide.Create(fabric);
        var side = IsmSide.Create(fabric);
        string gidA = peer.Driver.Gid.ToString("X16"), gidB = side.Driver.Gid.ToString("X16");
        Assert.Equal("4953012300000002", gidB);

        // Bring-up: the pool starts at the host's DMA base, SBA page first, then the IEQ page.
        var probe = Accesses(side.Pci);
        Assert.Equal(
        [
            "store@8 0000000100000000", "store@0 0000000100000010", "load@0 0000000100000008",                      // REG_SBA
            "store@8 0000000100001000" + "0000000000000200", "store@0 0000000200000018", "load@0 0000000200000008", // REG_IEQ len 512
            "store@0 0000000800000008", "load@0 00000008000000C8",                                                 // QUERY_INFO: header only
        ], probe[..8]);
        Assert.Equal(24, probe.Skip(8).TakeWhile(a => a.StartsWith("load@", StringComparison.Ordinal)).Count()); // 192 bytes in 8-byte loads
        Assert.Equal(["store@0 0000000300000008", "load@0 0000000300000010", "load@8 " + gidB], probe[^3..]);     // READ_GID

        side.Pci.Clear();
        var rgid = peer.Gid;
        rgid[8] = 0xEE; // bytes 8..15 never reach the device (rule 53)
        var dmb = SideDmb(side, rgid);
        string tok = dmb.DmbTok.ToString("X16");
        Assert.Equal(9, side.Driver.QueryRemoteGid(side.Dev, new byte[16], 1, 7));
        Assert.Equal(0, side.Driver.AddVlanId(side.Dev, 0x1FFF));
        Assert.Equal(0, side.Driver.SignalEvent(side.Dev, peer.Gid, 1, 0x83, 0x0102_0304_0506_0708));
        Assert.Equal(0, side.Driver.UnregisterDmb(side.Dev, ref dmb));
        Assert.Equal(
        [
            "store@8 0000000100002000" + "00004000" + "00000020" + "00000000" + "00000000" + gidA,                // REG_DMB body
            "store@0 0000000A00000028", "load@0 0000000A00000010", "load@8 " + tok,
            "store@8 " + Z(8) + "00000001" + "00000007", "store@0 0000000900000018", "load@0 0000000900090008", // QUERY_RGID: UNKNOWN_GID, no more loads
            "store@8 0000000000001FFF", "store@0 0000000400000010", "load@0 0000000400000008",                   // ADD_VLAN_ID
            "store@8 " + gidA + "00000001" + "00000083" + "0102030405060708", "store@0 0000000E00000020", "load@0 0000000E00000008",
            "store@8 " + tok, "store@0 0000000B00000010", "load@0 0000000B00000008",                             // UNREG_DMB
        ], Accesses(side.Pci));

        side.Pci.Clear();
        Assert.Equal(DibsResult.Ok, side.Driver.Remove());
        Assert.Equal(["store@0 0000001200000008", "load@0 0000001200000008", "store@0 0000001100000008", "load@0 0000001100000008"],
            Accesses(side.Pci));
    }

    private static DibsDmb SideDmb(IsmSide side, byte[] rgid)
    {
        var dmb = IsmSide.Dmb(16384, rgid);
        Assert.Equal(0, side.Driver.RegisterDmb(side.Dev, ref dmb, side.Client.Client));
        return dmb;
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmCmdStoreSequence)]
    public void Body_then_header_then_response_header_and_the_rest_only_when_ret_is_zero()
    {
        var pair = new IsmPair();
        var pci = pair.A.Pci;
        pci.Clear();
        Assert.Equal(0, pair.A.Driver.QueryRemoteGid(pair.A.Dev, pair.B.Gid, 0, 0));
        Assert.Equal(9, pair.A.Driver.QueryRemoteGid(pair.A.Dev, new byte[16], 0, 0));
        var kinds = pci.Ops.Select(o => $"{o.Kind}@{o.Offset}/{o.Data.Length}").ToArray();
        Assert.Equal(["store@8/16", "store@0/8", "load@0/8", "store@8/16", "store@0/8", "load@0/8"], kinds);

        // A successful command with a response body: READ_GID-like loads continue at offset 8 in 8-byte units.
        pci.Clear();
        var dmb = pair.A.Register(4096, pair.B.Gid);
        Assert.Equal(["store@8/32", "store@0/8", "load@0/8", "load@8/8"], pci.Ops.Select(o => $"{o.Kind}@{o.Offset}/{o.Data.Length}"));

        // A response header that never arrives reads as ISM_ERROR (the pre-set 0xFFFF), nothing more is loaded.
        pci.Clear();
        pci.LoadFails = cmd => cmd == IsmCommands.QueryRgidCode;
        Assert.Equal(0xFFFF, pair.A.Driver.QueryRemoteGid(pair.A.Dev, pair.B.Gid, 0, 0));
        Assert.Equal(["store", "store", "load-failed"], pci.Ops.Select(o => o.Kind));
        Assert.Equal(0, pair.A.Driver.UnregisterDmb(pair.A.Dev, ref dmb));
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmCmdHdrLen)]
    public void Every_header_carries_its_command_code_and_request_size_and_the_body_is_len_minus_8()
    {
        var pair = new IsmPair();
        var side = pair.A;
        var dmb = pair.A.Register(8192, pair.B.Gid);
        side.Driver.QueryRemoteGid(side.Dev, pair.B.Gid, 0, 0);
        side.Driver.AddVlanId(side.Dev, 5);
        side.Driver.DelVlanId(side.Dev, 5);
        side.Driver.SignalEvent(side.Dev, pair.B.Gid, 0, 1, 2);
        side.Driver.UnregisterDmb(side.Dev, ref dmb);
        side.Driver.Remove();
        var expected = IsmCommands.Commands.ToDictionary(c => c.Code, c => c.RequestSize);
        var ops = side.Pci.Ops;
        var seen = new HashSet<uint>();
        for (int i = 0; i < ops.Count; i++)
        {
            if (ops[i].Kind != "store" || ops[i].Offset != 0) continue;
            uint cmd = BinaryPrimitives.ReadUInt32BigEndian(ops[i].Data);
            int len = BinaryPrimitives.ReadUInt16BigEndian(ops[i].Data.AsSpan(6));
            Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(ops[i].Data.AsSpan(4)));
            Assert.Equal(expected[cmd], len);
            int body = i > 0 && ops[i - 1].Kind == "store" && ops[i - 1].Offset == 8 ? ops[i - 1].Data.Length : 0;
            Assert.Equal(len - 8, body);
            seen.Add(cmd);
        }
        uint[] issued = [0x1, 0x2, 0x3, 0x4, 0x5, 0x8, 0x9, 0xA, 0xB, 0xE, 0x11, 0x12]; // all but SET/RESET_VLAN (research §4.3)
        Assert.Equal(issued, seen.Order());
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmCmdOneInFlight)]
    public void Concurrent_callers_never_interleave_inside_a_command()
    {
        var pair = new IsmPair();
        var side = pair.A;
        side.Pci.Clear();
        side.Pci.Spin = 2000;
        var gid = pair.B.Gid;
        var results = new int[8 * 40];
        using var go = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            go.SignalAndWait();
            for (int i = 0; i < 40; i++)
            {
                ulong vlan = (ulong)(t * 40 + i) % 60;
                results[t * 40 + i] = (i % 3) switch
                {
                    0 => side.Driver.QueryRemoteGid(side.Dev, gid, 0, 0),
                    1 => side.Driver.AddVlanId(side.Dev, vlan),
                    _ => side.Driver.SignalEvent(side.Dev, gid, 0, 7, (ulong)i),
                };
            }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        Assert.All(results, r => Assert.Equal(0, r));

        // Split the access log into commands (a store after a load starts one); each must be one thread's.
        var ops = side.Pci.Ops;
        int commands = 0;
        for (int start = 0; start < ops.Count;)
        {
            int end = start + 1;
            while (end < ops.Count && !(ops[end].Kind == "store" && ops[end - 1].Kind == "load")) end++;
            var segment = ops.Skip(start).Take(end - start).ToArray();
            Assert.Single(segment.Select(o => o.Thread).Distinct());
            Assert.Equal(["store", "store", "load"], segment.Select(o => o.Kind));
            commands++;
            start = end;
        }
        Assert.Equal(320, commands);
    }
}
