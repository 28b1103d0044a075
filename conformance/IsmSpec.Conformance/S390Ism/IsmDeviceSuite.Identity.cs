using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Specs.S390Ism;
using Ids = IsmSpec.Specs.S390Ism.S390IsmSpec.Ids;

namespace IsmSpec.Conformance.S390Ism;

/// <summary>GIDs, QUERY_RGID, VLAN table and QUERY_INFO (research §4.3, §4.5, §4.10).</summary>
public sealed partial class IsmDeviceSuite
{
    /// <summary>ISM-DEV-GID-UNIQUE (rule 53): distinct non-zero GIDs that READ_GID returns; another fabric's GIDs are unreachable.</summary>
    [Checks(Ids.IsmDevGidUnique)]
    public Property GidsAreDistinctNonZeroAndPerFabric() => ForAll(Ints(2, 5), n =>
    {
        using var s = Open(n);
        using var other = Open(2);
        var gids = new List<ulong>();
        for (int f = 0; f < n; f++)
        {
            IsmAssert.Code(IsmCodes.Success, s.ReadGid(f, out var gid), $"READ_GID on function {f}");
            IsmAssert.Equal(s.Gid(f), gid, $"READ_GID of function {f} (the GID the fabric assigned)");
            IsmAssert.That(gid != 0, $"function {f} has GID 0");
            IsmAssert.That(!gids.Contains(gid), $"functions share GID {gid:X16}");
            gids.Add(gid);
        }
        for (int f = 0; f < other.Count; f++)
        {
            IsmAssert.Code(IsmCodes.Success, other.ReadGid(f, out var stranger), $"READ_GID on function {f} of a second fabric");
            if (!gids.Contains(stranger))
                IsmAssert.That(s.QueryRgid(0, stranger) != IsmCodes.Success, $"QUERY_RGID reached GID {stranger:X16} of another fabric");
        }
    });

    public sealed record RgidCase(int[] Vlans, ulong Stranger, uint VlanValid, int Probe)
    {
        public override string ToString() => $"RgidCase(vlans [{string.Join(",", Vlans)}], stranger {Stranger:X16}, vlan_valid {VlanValid}, probe {Probe})";
    }

    /// <summary>ISM-DEV-QUERY-RGID (research §4.5): success for GIDs of the fabric, UNKNOWN_GID otherwise; with vlan_valid the target's VLAN table decides.</summary>
    [Checks(Ids.IsmDevQueryRgid)]
    public Property QueryRgidFollowsTheFabricAndVlans() => ForAll(
        Gen.Zip(Gen.Zip(Gen.Choose(0, 5), Gen.Choose(0, 4095)), Zip3(U64, U32, Gen.Choose(0, 4095)))
           .Select(t => new RgidCase(Enumerable.Range(0, t.Item1.Item1).Select(i => (t.Item1.Item2 + 37 * i) % 4096).ToArray(), t.Item2.Item1, t.Item2.Item2 | 1, t.Item2.Item3)).ToArbitrary(), c =>
    {
        using var s = Open(3);
        foreach (var v in c.Vlans)
            IsmAssert.Code(IsmCodes.Success, s.AddVlan(1, (ulong)v), $"ADD_VLAN_ID {v} on function 1");
        var gids = Enumerable.Range(0, 3).Select(s.Gid).ToList();
        for (int f = 0; f < 3; f++)
            IsmAssert.Code(IsmCodes.Success, s.QueryRgid(0, gids[f]), $"QUERY_RGID of function {f}'s GID from function 0");
        if (!gids.Contains(c.Stranger))
        {
            IsmAssert.Code(IsmCodes.UnknownGid, s.QueryRgid(0, c.Stranger), $"QUERY_RGID of {c.Stranger:X16} (no such function)");
            IsmAssert.Code(IsmCodes.UnknownGid, s.QueryRgid(0, c.Stranger, c.VlanValid, 1), $"QUERY_RGID of {c.Stranger:X16} with a VLAN");
        }
        foreach (var v in c.Vlans)
            IsmAssert.Code(IsmCodes.Success, s.QueryRgid(0, gids[1], c.VlanValid, (uint)v), $"QUERY_RGID(vlan_valid {c.VlanValid}, vlan_id {v}) of a function that has VLAN {v}");
        if (!c.Vlans.Contains(c.Probe))
            IsmAssert.Code(IsmCodes.VlanUnknown, s.QueryRgid(0, gids[1], c.VlanValid, (uint)c.Probe), $"QUERY_RGID(vlan_valid {c.VlanValid}, vlan_id {c.Probe}) of a function without that VLAN");
    });

    public sealed record VlanOp(int Kind, ulong Id)
    {
        public override string ToString() => Kind switch { 0 => $"ADD {Id:X}", 1 => $"DEL {Id:X}", 2 => "SET_VLAN", _ => "RESET_VLAN" };
    }

    private static readonly Gen<ulong> VlanIds = Gen.Frequency(
        (8, Gen.Choose(0, 9).Select(v => (ulong)v)),
        (1, Gen.Elements(0x1FFFUL, 0xFFFFUL)),
        (1, Gen.Choose(0x10000, int.MaxValue).Select(v => (ulong)v)),
        (1, Gen.Zip(Gen.Choose(1, int.MaxValue), Gen.Choose(0, int.MaxValue)).Select(t => (ulong)t.Item1 << 32 | (uint)t.Item2)));

    /// <summary>ISM-DEV-VLAN (research §4.3): ADD/DEL_VLAN_ID against a model set, SET/RESET_VLAN against a flag, read back with QUERY_INFO.</summary>
    [Checks(Ids.IsmDevVlan)]
    public Property VlanTableFollowsTheModel() => ForAll(
        Gen.ListOf(Gen.Zip(Gen.Frequency((4, Gen.Constant(0)), (3, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(3))), VlanIds).Select(t => new VlanOp(t.Item1, t.Item2))).Select(l => l.ToArray()).ToArbitrary(), ops =>
    {
        using var s = Open(2);
        var model = new SortedSet<ushort>();
        bool required = false;
        foreach (var op in ops)
        {
            var code = op.Kind switch { 0 => s.AddVlan(0, op.Id), 1 => s.DelVlan(0, op.Id), 2 => s.SetVlan(0), _ => s.ResetVlan(0) };
            ushort[] allowed = op.Kind switch
            {
                0 when op.Id > 0xFFFF => [IsmCodes.BadVlan],
                0 when model.Contains((ushort)op.Id) || model.Count < IsmQiResponse.VlanIdLength => [IsmCodes.Success],
                0 => [IsmCodes.VlanTableFull],
                1 when op.Id > 0xFFFF => [IsmCodes.BadVlan, IsmCodes.VlanUnknown],
                1 => [model.Contains((ushort)op.Id) ? IsmCodes.Success : IsmCodes.VlanUnknown],
                _ => [IsmCodes.Success],
            };
            IsmAssert.That(allowed.Contains(code), $"{op} answered {IsmCodes.Name(code)}, expected {string.Join(" or ", allowed.Select(IsmCodes.Name))} (table [{string.Join(",", model)}])");
            if (code != IsmCodes.Success) continue;
            if (op.Kind == 0) model.Add((ushort)op.Id);
            if (op.Kind == 1) model.Remove((ushort)op.Id);
            if (op.Kind >= 2) required = op.Kind == 2;
        }
        var qi = s.MustQueryInfo(0);
        IsmAssert.Equal(required ? 1u : 0u, qi.VlanRequired, "QUERY_INFO vlan_required");
        IsmAssert.Equal((uint)model.Count, qi.VlanNrIds, "QUERY_INFO vlan_nr_ids");
        var ids = Enumerable.Range(0, Math.Min(model.Count, IsmQiResponse.VlanIdLength)).Select(i => qi.GetVlanId(i));
        IsmAssert.Equal(string.Join(",", model), string.Join(",", ids), "QUERY_INFO vlan_id[]");
    });

    /// <summary>ISM-DEV-VLAN: the table holds 64 ids; a 65th answers VLAN_TABLE_FULL, re-adding a present id is a no-op.</summary>
    [Checks(Ids.IsmDevVlan)]
    public void VlanTableHoldsSixtyFourIds()
    {
        using var s = Open(2);
        for (ulong id = 100; id < 100 + IsmQiResponse.VlanIdLength; id++)
            IsmAssert.Code(IsmCodes.Success, s.AddVlan(0, id), $"ADD_VLAN_ID {id}");
        IsmAssert.Code(IsmCodes.VlanTableFull, s.AddVlan(0, 500), "ADD_VLAN_ID of a 65th id");
        IsmAssert.Code(IsmCodes.Success, s.AddVlan(0, 100), "ADD_VLAN_ID of a present id in a full table");
        IsmAssert.Code(IsmCodes.Success, s.DelVlan(0, 100), "DEL_VLAN_ID 100");
        IsmAssert.Code(IsmCodes.Success, s.AddVlan(0, 500), "ADD_VLAN_ID after a deletion");
    }

    public sealed record InfoCase(bool Sba, bool Ieq, int Owned, int Used, int[] Vlans, bool Required)
    {
        public override string ToString() => $"InfoCase(sba {Sba}, ieq {Ieq}, owned {Owned}, used {Used}, vlans [{string.Join(",", Vlans)}], required {Required})";
    }

    /// <summary>ISM-DEV-QUERY-INFO (research §4.5 ism_qi): every field reflects the function's state.</summary>
    [Checks(Ids.IsmDevQueryInfo)]
    public Property QueryInfoReportsTheState() => ForAll(
        Zip3(Zip3(Gen.Elements(true, false), Gen.Elements(true, false), Gen.Elements(true, false)), Gen.Zip(Gen.Choose(0, 4), Gen.Choose(0, 3)), Gen.ArrayOf(Gen.Choose(0, 4095)))
           .Select(t => new InfoCase(t.Item1.Item1, t.Item1.Item2, t.Item2.Item1, t.Item2.Item2, t.Item3.Distinct().Take(8).ToArray(), t.Item1.Item3)).ToArbitrary(), c =>
    {
        using var s = Open(2);
        s.MustAreas(0, c.Sba, c.Ieq);
        for (int i = 0; i < c.Owned; i++) s.MustDmb(0, 40 + i, 100, s.Gid(1));
        for (int i = 0; i < c.Used; i++) s.MustDmb(1, 40 + i, 100, s.Gid(0));
        s.MustDmb(1, 60, 100, ~s.Gid(0));
        foreach (var v in c.Vlans) IsmAssert.Code(IsmCodes.Success, s.AddVlan(0, (ulong)v), $"ADD_VLAN_ID {v}");
        if (c.Required) IsmAssert.Code(IsmCodes.Success, s.SetVlan(0), "SET_VLAN");
        var qi = s.MustQueryInfo(0);
        IsmAssert.Equal(1u, qi.Version, "version");
        IsmAssert.Equal((uint)S390IsmSpec.IsmDmbMaxLen, qi.MaxLen, "max_len");
        IsmAssert.Equal(0UL, qi.IsmState, "ism_state");
        IsmAssert.Equal(s.Gid(0), qi.MyGid, "my_gid");
        IsmAssert.Equal(s.SbaAddress(0) ?? 0, qi.Sba, "sba");
        IsmAssert.Equal(s.IeqAddress(0) ?? 0, qi.Ieq, "ieq");
        IsmAssert.Equal(c.Ieq ? (uint)IsmEq.Size : 0u, qi.IeqLen, "ieq_len");
        IsmAssert.Equal((uint)c.Owned, qi.DmbsOwned, "dmbs_owned");
        IsmAssert.Equal((uint)c.Used, qi.DmbsUsed, "dmbs_used (DMBs of other functions whose rgid is this GID)");
        IsmAssert.Equal(c.Required ? 1u : 0u, qi.VlanRequired, "vlan_required");
        IsmAssert.Equal((uint)c.Vlans.Length, qi.VlanNrIds, "vlan_nr_ids");
        IsmAssert.Equal(string.Join(",", c.Vlans.Order()), string.Join(",", Enumerable.Range(0, c.Vlans.Length).Select(i => qi.GetVlanId(i))), "vlan_id[] ascending");
    });
}
