namespace IsmSpec.IsmDriver.Tests;

/// <summary>Return-code and errno mapping (research §4.6; rules 48, 49).</summary>
public class ReturnCodeTests
{
    private static DibsResult<IsmDibsDriver> Probe(IsmFunction function, Action<RecordingPci>? setup, out RecordingPci pci, out DibsLayer layer)
    {
        pci = new RecordingPci(function);
        setup?.Invoke(pci);
        layer = DibsLayer.Load(configDibsLo: false);
        return IsmDibsDriver.Probe(layer, pci, new IsmDriverOptions { Uid = 1 });
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmInitFailureEio)]
    public void Reg_sba_refused_by_the_device_fails_probe_with_EIO_and_leaves_nothing_behind()
    {
        var fabric = new IsmFabric(0x0123);
        var f = fabric.CreateFunction(IsmSide.NewHost(6 << 20));
        // Somebody else already registered an SBA on this function: the device answers BAD_STATE.
        ulong other = f.HostMemory.Allocate(4096);
        IsmCommands.TryWriteRegSba(f.CommandArea, new IsmRegSbaRequest { Sba = other }, out _);
        f.ExecuteCommand();
        var probed = Probe(f, null, out var pci, out var layer);
        Assert.Equal(-Errno.EIO, probed.Code);
        Assert.Empty(layer.Devices);
        Assert.Equal([IsmCommands.RegSbaCode], pci.Commands); // no REG_IEQ, no READ_GID
        Assert.Null(f.IeqAddress);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmInitFailureEio)]
    public void Reg_ieq_failure_is_EIO_and_the_sba_is_unregistered_again()
    {
        var f = new IsmFabric(0x0123).CreateFunction(IsmSide.NewHost(6 << 20));
        var probed = Probe(f, p => p.OverrideRet = cmd => cmd == IsmCommands.RegIeqCode ? (ushort)0x0004 : null, out var pci, out var layer);
        Assert.Equal(-Errno.EIO, probed.Code);
        Assert.Equal([IsmCommands.RegSbaCode, IsmCommands.RegIeqCode, IsmCommands.UnregSbaCode], pci.Commands);
        Assert.Null(f.SbaAddress);
        Assert.Empty(layer.Devices);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmInitFailureEio)]
    public void Unreg_sba_and_unreg_ieq_tolerate_ISM_ERROR_but_other_codes_are_EIO()
    {
        var fabric = new IsmFabric(0x0123);
        var ok = IsmSide.Create(fabric, setup: p => p.OverrideRet = cmd => cmd is IsmCommands.UnregSbaCode or IsmCommands.UnregIeqCode ? (ushort)0xFFFF : null);
        Assert.Equal(DibsResult.Ok, ok.Driver.Remove());

        var bad = IsmSide.Create(fabric, setup: p => p.OverrideRet = cmd => cmd == IsmCommands.UnregIeqCode ? (ushort)0x0002 : null);
        Assert.Equal(DibsResult.Fail(Errno.EIO), bad.Driver.Remove());
        Assert.Equal([IsmCommands.UnregIeqCode, IsmCommands.UnregSbaCode], bad.Pci.Commands.TakeLast(2)); // teardown goes on
        Assert.NotNull(bad.Driver.IeqAddress); // the device may still write it: kept
        Assert.Null(bad.Driver.SbaAddress);
        Assert.Equal(DibsResult.Fail(Errno.EINVAL), bad.Driver.Remove());
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmInitFailureEio)]
    public void Decision_read_gid_failure_fails_probe_with_EIO_after_undoing_init()
    {
        var f = new IsmFabric(0x0123).CreateFunction(IsmSide.NewHost(6 << 20));
        var probed = Probe(f, p => p.OverrideRet = cmd => cmd == IsmCommands.ReadGidCode ? (ushort)0x0001 : null, out var pci, out var layer);
        Assert.Equal(-Errno.EIO, probed.Code);
        Assert.Equal([IsmCommands.RegSbaCode, IsmCommands.RegIeqCode, IsmCommands.QueryInfoCode, IsmCommands.ReadGidCode,
            IsmCommands.UnregIeqCode, IsmCommands.UnregSbaCode], pci.Commands);
        Assert.Empty(layer.Devices);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmRawCodesToClient)]
    public void Device_failures_reach_the_client_as_the_positive_raw_code()
    {
        var pair = new IsmPair(maxDmbsB: 1);
        var (a, b) = (pair.A, pair.B);
        var unknownGid = new byte[16];
        unknownGid[0] = 0x77;

        Assert.Equal(0, a.Driver.QueryRemoteGid(a.Dev, b.Gid, 0, 0));
        Assert.Equal((int)IsmDeviceCodes.UnknownGid, a.Driver.QueryRemoteGid(a.Dev, unknownGid, 0, 0));
        Assert.Equal((int)IsmDeviceCodes.VlanUnknown, a.Driver.QueryRemoteGid(a.Dev, b.Gid, 1, 42));
        Assert.Equal((int)IsmDeviceCodes.BadVlan, a.Driver.AddVlanId(a.Dev, 0x1_0000));
        Assert.Equal((int)IsmDeviceCodes.VlanUnknown, a.Driver.DelVlanId(a.Dev, 99));
        Assert.Equal((int)IsmDeviceCodes.UnknownGid, a.Driver.SignalEvent(a.Dev, unknownGid, 1, 0x80, 0));

        pair.DmbOnB(4096);
        var second = IsmSide.Dmb(4096, a.Gid);
        Assert.Equal((int)IsmDeviceCodes.TableFull, b.Driver.RegisterDmb(b.Dev, ref second, b.Client.Client)); // REG_DMB, device part

        var stranger = new DibsDmb { DmbTok = 0x7777UL << 32 };
        Assert.Equal((int)IsmDeviceCodes.UnknownToken, b.Driver.UnregisterDmb(b.Dev, ref stranger));
    }
}
