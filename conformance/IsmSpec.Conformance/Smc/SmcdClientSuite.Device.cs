using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.Smc;
using Ids = IsmSpec.Specs.Dibs.DibsSpec.Ids;

namespace IsmSpec.Conformance.Smc;

/// <summary>Rules 75–80: VLANs, SMC-Dv2 capability, software events, fabric classes, GIDs and device order.</summary>
public sealed partial class SmcdClientSuite
{
    /// <summary>Rule 75: a refcount model of get/put over VLAN ids 0..3 with injected device failures.</summary>
    [Checks(Ids.DibsClientSmcVlanRefcount)]
    public Property VlanRefcount() => ForAll(Arb.Zip(ArbMap.Default.ArbFor<bool>(), Gen.ListOf(Gen.Zip(Gen.Choose(0, 1), Gen.Zip(Gen.Choose(0, 3), Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))))).Select(l => l.Take(20).ToArray()).ToArbitrary()), c =>
    {
        using var bed = Bed(new SmcdDeviceShape(SmcdBackend.Fake, Full: c.Item1));
        var refs = new Dictionary<ushort, int>();
        foreach (var (op, (v, fail)) in c.Item2)
        {
            var vlan = (ushort)v;
            if (bed.Full is { } full) full.AddVlanResult = full.DelVlanResult = _ => fail ? 5 : 0; // a raw device code
            bed.Rec.ClearLog();
            var have = refs.GetValueOrDefault(vlan);
            int expected;
            string? call = null;
            if (vlan == 0) expected = -Errno.EINVAL;
            else if (!c.Item1) expected = -Errno.EOPNOTSUPP;
            else if (op == 0)
            {
                call = have == 0 ? "add_vlan_id" : null;
                expected = have == 0 && fail ? -Errno.EIO : 0;
                if (expected == 0) refs[vlan] = have + 1;
            }
            else if (have == 0) expected = -Errno.ENOENT;
            else
            {
                call = have == 1 ? "del_vlan_id" : null;
                expected = have == 1 && fail ? -Errno.EIO : 0;
                if (have == 1) refs.Remove(vlan); else refs[vlan] = have - 1;
            }
            var what = $"{(op == 0 ? "get" : "put")}_vlan({vlan}) with {have} users{(fail ? ", device failing" : "")}";
            var rc = op == 0 ? bed.Instance.GetVlan(bed.Dev, vlan) : bed.Instance.PutVlan(bed.Dev, vlan);
            SmcAssert.Equal(Errno.Name(expected), Errno.Name(rc), what);
            var calls = bed.Rec.Ops.Where(o => o.Op is "add_vlan_id" or "del_vlan_id").Select(o => $"{o.Op}({o.Vlan})").ToList();
            SmcAssert.Equal(call is null ? "" : $"{call}({vlan})", string.Join(", ", calls), $"device calls of {what}");
        }
    });

    /// <summary>Rule 76: SMC-Dv2 capable iff loopback (fabric 0xFFFF) or add_vlan_id(0x1FFF) succeeds; probed whether the device comes before or after the client.</summary>
    [Checks(Ids.DibsClientSmcV2Capable)]
    public Property V2Capability() => ForAll(Arb.Zip(Ints(0, 4), ArbMap.Default.ArbFor<bool>()), c =>
    {
        var (kind, deviceFirst) = c;
        var loopback = kind is 0 or 4;
        using var bed = Bed(new SmcdDeviceShape(SmcdBackend.Fake, Full: kind >= 2, FabricId: loopback ? (ushort)SmcSpec.SmcLoopbackChid : (ushort)0x0123), register: false);
        var addFails = kind is 3 or 4;
        if (bed.Full is { } full) full.AddVlanResult = v => addFails ? 3 : 0;
        if (!deviceFirst) bed.Layer.DeleteDevice(bed.Dev);
        bed.Register();
        if (!deviceFirst) bed.Layer.AddDevice(bed.Dev);
        var expected = loopback || kind == 2;
        SmcAssert.Equal(expected, bed.Instance.IsV2Capable(bed.Dev), $"SMC-Dv2 capability of a {bed.Rec.GetType().Name} (fabric 0x{bed.Rec.FabricId:x4}, add_vlan_id {(addFails ? "failing" : "ok")})");
        if (kind == 2)
            SmcAssert.That(bed.Ops("add_vlan_id").Any(o => o.Vlan == (ulong)SmcSpec.IsmReservedVlanid), "capability without add_vlan_id(ISM_RESERVED_VLANID)");
    });

    /// <summary>The info word SMC's software events carry (host-order {lgr u32, vlan u16, code u16}).</summary>
    internal static ulong Info(uint lgr, ushort vlan, SmcdSwEventInfoCode code)
    {
        var image = new SmcdSwEventInfo { LgrId = lgr, VlanId = vlan, Code = code };
        Span<byte> b = stackalloc byte[8];
        image.TryWrite(b);
        return MemoryMarshal.Read<ulong>(b);
    }

    /// <summary>Rule 77: sending shutdown/test link; answering test-link requests; DEV events end connections to the peer; BUF events are ignored.</summary>
    [Checks(Ids.DibsClientSmcSwEvents)]
    public Property SoftwareEvents() => ForAll(Arb.Zip(ArbMap.Default.ArbFor<uint>(), Arb.Zip(ArbMap.Default.ArbFor<ushort>(), Ints(0, 4))), c =>
    {
        var (lgr, (vlan, incoming)) = c;
        var other = Guid.NewGuid().ToByteArray();
        using (var basic = Bed())
            SmcAssert.Equal(0, basic.Instance.SignalShutdown(basic.Dev, other, lgr, vlan), "shutdown signalling on a device without signal_event (skipped: 0)");
        using var bed = Bed(new SmcdDeviceShape(Full: true));
        void Sent(string what, uint code, SmcdSwEventInfoCode kind, byte[] to)
        {
            var s = bed.Ops("signal_event");
            SmcAssert.Equal(1, s.Count, $"signal_event calls for {what}");
            SmcAssert.That(s[0].Rgid!.SequenceEqual(to), $"{what}: signal_event to another GID");
            SmcAssert.Equal($"trigger_irq 1, code 0x{code:x2}, info 0x{Info(lgr, vlan, kind):x16}", $"trigger_irq {s[0].TriggerIrq}, code 0x{s[0].EventCode:x2}, info 0x{s[0].Info:x16}", what);
        }
        bed.Rec.ClearLog();
        SmcAssert.Equal(0, bed.Instance.SignalShutdown(bed.Dev, other, lgr, vlan), "shutdown signalling");
        Sent("a shutdown", (uint)SmcSpec.SmcSwEventShutdown, SmcdSwEventInfoCode.Request, other);
        bed.Rec.ClearLog();
        bed.Instance.SendTestLink(bed.Dev, other, lgr, vlan);
        Sent("a test-link request", (uint)SmcSpec.SmcSwEventTestlink, SmcdSwEventInfoCode.Request, other);
        var (a, b) = bed.Connect(256, 256);
        bed.Rec.ClearLog();
        var ev = new DibsEvent { Type = incoming switch { 0 or 1 => DibsEventType.SwEvent, 2 => DibsEventType.BufEvent, _ => DibsEventType.DevEvent } };
        ev.Subtype = incoming <= 1 ? (uint)SmcSpec.SmcSwEventTestlink : 0;
        ev.Data = Info(lgr, vlan, incoming == 0 ? SmcdSwEventInfoCode.Request : SmcdSwEventInfoCode.Response);
        ev.BufferTok = incoming == 2 ? b.LocalToken : 0;
        (incoming == 4 ? bed.Gid : other).CopyTo(ev.Gid);
        bed.Rec.RaiseEvent(ev);
        if (incoming == 0)
            Sent("the answer to a test-link request", (uint)SmcSpec.SmcSwEventTestlink, SmcdSwEventInfoCode.Response, other);
        else
            SmcAssert.Equal(0, bed.Ops("signal_event").Count, $"signal_event calls after a {ev.Type} (subtype {ev.Subtype}) that asks for no answer");
        if (incoming == 4)
        {
            SmcAssert.That(SmcdBed.FailsWithIo(() => b.Read(new byte[8])), "a DEV event for the peer's GID did not end the connection (read)");
            SmcAssert.That(SmcdBed.FailsWithIo(() => a.Write(Bytes(8, 1))), "a DEV event for the peer's GID did not end the connection (write)");
        }
        else
        {
            SmcdBed.Timed(() => a.Write(Bytes(8, 1)), $"write after a {ev.Type} that concerns no connection");
            SmcStreamSuite.ReadExactly(b, 8, $"read after a {ev.Type} that concerns no connection");
        }
    });

    /// <summary>Rule 78: 0xFFFF loopback, 0xFF00..0xFFFE virtio-ism, anything else a real ISM.</summary>
    [Checks(Ids.DibsClientSmcEmulatedFabric)]
    public Property EmulatedFabric() => ForAll(Gen.Frequency((1, Gen.Choose(0, 0xFFFF)), (1, Gen.Choose(0xFEF0, 0xFFFF))).Select(x => (ushort)x).ToArbitrary(), id =>
    {
        var expected = id == 0xFFFF ? SmcdFabricClass.Loopback : id >= 0xFF00 ? SmcdFabricClass.VirtioIsm : SmcdFabricClass.Ism;
        SmcAssert.Equal(expected, ClientUnderTest.ClassifyFabric(id), $"class of fabric id 0x{id:x4}");
    });

    /// <summary>Rule 79: {gid, gid_ext} ↔ two big-endian 64-bit words, gid first.</summary>
    [Checks(Ids.DibsClientSmcGidConversion)]
    public Property GidConversion() => ForAll(Arb.Zip(ArbMap.Default.ArbFor<ulong>(), ArbMap.Default.ArbFor<ulong>()), c =>
    {
        var expected = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(expected, c.Item1);
        BinaryPrimitives.WriteUInt64BigEndian(expected.AsSpan(8), c.Item2);
        var gid = ClientUnderTest.ToDibsGid(c.Item1, c.Item2);
        SmcAssert.Equal(Convert.ToHexString(expected), Convert.ToHexString(gid), $"DIBS GID of {{0x{c.Item1:x}, 0x{c.Item2:x}}}");
        SmcAssert.Equal((c.Item1, c.Item2), ClientUnderTest.FromDibsGid(expected), $"{{gid, gid_ext}} of {Convert.ToHexString(expected)}");
    });

    /// <summary>Rule 80: loopback first, then devices without PNET id, then with one — whatever the order devices and client arrive in.</summary>
    [Checks(Ids.DibsClientSmcDeviceOrder)]
    public Property DeviceOrder() => ForAll(Arb.Zip(Gen.ListOf(Gen.Choose(1, 2)).Select(l => l.Take(5).ToArray()).ToArbitrary(), Arb.Zip(Ints(0, 5), ArbMap.Default.ArbFor<bool>())), c =>
    {
        var (kinds, (registerAt, withLoopback)) = c;
        var all = kinds.Prepend(withLoopback ? 0 : 1).ToArray();
        using var bed = Bed(new SmcdDeviceShape(SmcdBackend.Fake, FabricId: withLoopback ? (ushort)SmcSpec.SmcLoopbackChid : (ushort)0x0042), register: false);
        bed.Layer.DeleteDevice(bed.Dev);
        var devices = new List<(RecordingDevice Rec, int Kind)> { (bed.Rec, all[0]) };
        devices.AddRange(kinds.Select((k, i) => (new RecordingDevice($"rec{i + 1}", SmcdBackend.Fake), k)));
        var kindOf = devices.ToDictionary(d => d.Rec.Device, d => d.Kind);
        var order = devices.OrderBy(d => (d.Kind * 7 + d.Rec.Device.Name.Length * 3) % 5).ToList(); // an arrival order other than the kinds'
        for (var i = 0; i <= order.Count; i++)
        {
            if (i == Math.Min(registerAt, order.Count)) bed.Register(d => kindOf.GetValueOrDefault(d) == 2 ? "PNET" + d.Name : null);
            if (i < order.Count) bed.Layer.AddDevice(order[i].Rec.Device);
        }
        var listed = bed.Instance.Devices.ToList();
        SmcAssert.That(listed.ToHashSet().SetEquals(kindOf.Keys), $"the client lists {listed.Count} of {kindOf.Count} devices");
        var seen = string.Join(" ", listed.Select(d => kindOf[d] switch { 0 => "loopback", 1 => "no-pnet", _ => "pnet" }));
        SmcAssert.That(listed.Select(d => kindOf[d]).Zip(listed.Select(d => kindOf[d]).Skip(1)).All(p => p.First <= p.Second), $"device order: {seen}");
        foreach (var (rec, _) in devices.Skip(1)) { bed.Layer.DeleteDevice(rec.Device); rec.Dispose(); }
    });
}
