using System.Buffers.Binary;

namespace IsmSpec.IsmDriver.Tests;

/// <summary>Bring-up, teardown and identity (research §4.10; rules 65, 66).</summary>
public class LifecycleTests
{
    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmLifecycleOrder)]
    public void Bring_up_and_teardown_run_in_the_kernel_order()
    {
        var log = new List<string>();
        void Log(string s) { lock (log) log.Add(s); }
        var fabric = new IsmFabric(0x0123);
        var side = IsmSide.Create(fabric, log: Log);
        Assert.Equal(["request_irq", "cmd REG_SBA", "cmd REG_IEQ", "cmd QUERY_INFO", "cmd READ_GID", "add_dev ism1a2b"], log);

        // The SBA is one page, the IEQ is registered with length 512, both page aligned in host memory.
        Assert.Equal(side.Function.SbaAddress, side.Driver.SbaAddress);
        Assert.Equal(side.Function.IeqAddress, side.Driver.IeqAddress);
        Assert.Equal(0UL, side.Driver.SbaAddress!.Value % 4096);
        Assert.Equal(0UL, side.Driver.IeqAddress!.Value % 4096);
        var regIeq = side.Pci.Ops.First(o => o.Kind == "store" && o.Offset == 8 && o.Data.Length == 16);
        Assert.Equal(512UL, BinaryPrimitives.ReadUInt64BigEndian(regIeq.Data.AsSpan(8)));
        Assert.NotNull(side.Driver.Info);
        Assert.Equal(side.Function.Gid, side.Driver.Info!.Value.MyGid);

        log.Clear();
        Assert.Equal(DibsResult.Ok, side.Driver.Remove());
        Assert.Equal(["del_dev ism1a2b", "cmd UNREG_IEQ", "cmd UNREG_SBA", "free_irq", "free_areas"], log);
        Assert.Null(side.Function.SbaAddress);
        Assert.Null(side.Function.IeqAddress);
        Assert.Empty(side.Layer.Devices);
        Assert.Equal(DibsResult.Fail(Errno.EINVAL), side.Driver.Remove());
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmLifecycleOrder)]
    public void After_removal_signals_reach_nobody_and_a_new_probe_of_the_function_works()
    {
        var pair = new IsmPair();
        var (a, b) = (pair.A, pair.B);
        var dmb = pair.DmbOnB(4096);
        Assert.Equal(DibsResult.Fail(Errno.EBUSY), b.Layer.UnregisterClient(b.Client.Client)); // it owns a DMB
        Assert.Equal(DibsResult.Ok, b.Driver.Remove());
        long interrupts = b.Function.InterruptCount;
        Assert.Equal(0, a.Driver.MoveData(a.Dev, dmb.DmbTok, 0, true, 0, [1, 2, 3])); // the DMB is still the device's
        Assert.Equal(interrupts, b.Function.InterruptCount);
        Assert.Empty(b.Client.Irqs);

        var layer = DibsLayer.Load(configDibsLo: false);
        var again = IsmDibsDriver.Probe(layer, b.Function, new IsmDriverOptions { Uid = 0xB, PoolBytes = 1 << 20 }); // host memory is never given back
        Assert.True(again.IsOk);
        Assert.Equal(b.Function.Gid, again.Value.Gid);
        Assert.Equal(DibsResult.Ok, again.Value.Remove());
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevNameFabric)]
    public void The_device_is_named_ism_plus_hex_uid_or_fid_and_reports_the_pchid_as_fabric_id()
    {
        var fabric = new IsmFabric(0x0ABC);
        var byUid = IsmSide.Create(fabric, uid: 0x1A2B);
        Assert.Equal("ism1a2b", byUid.Dev.Name);
        Assert.Equal((ushort)0x0ABC, byUid.Dev.FabricId);
        Assert.Equal("0x0abc", byUid.Dev.FabricIdString);

        var layer = DibsLayer.Load(configDibsLo: false);
        var byFid = IsmDibsDriver.Probe(layer, fabric.CreateFunction(IsmSide.NewHost(6 << 20)), new IsmDriverOptions { Uid = 0, Fid = 0x42 }).Value;
        Assert.Equal("ism42", byFid.Device.Name);
        Assert.Equal("ism42", byFid.Name);
        Assert.Same(byFid.Device, Assert.Single(layer.Devices));

        // max_dmbs is ISM_NR_DMBS: the layer's client table has 1920 entries.
        Assert.Equal(1920, byFid.MaxDmbs());
        Assert.Equal(1920, byFid.Device.ClientTableLength);
        Assert.Null(byFid.Device.Mmapped); // no mmapped trio (rule 15)
        Assert.Throws<ArgumentException>(() => byFid.GetFabricId(byUid.Dev));
    }
}
