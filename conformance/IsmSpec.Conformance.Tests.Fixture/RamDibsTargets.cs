using IsmSpec.Conformance;
using IsmSpec.Conformance.Dibs;
using IsmSpec.Dibs;

namespace Acme.RamDibs;

/// <summary>The whole adapter a third party writes: create a fresh layer with the device in it.</summary>
public sealed class RamDibsAdapter(bool forgetsToZero = false) : IDibsDeviceAdapter
{
    public string Name => forgetsToZero ? "acme-ram-dibs (dirty buffers)" : "acme-ram-dibs";
    public DibsDeviceKind Kind => DibsDeviceKind.Other;

    public DibsTestBed Create()
    {
        var ops = new RamDibsDevice(forgetsToZero);
        return DibsTestBed.Add(new DibsLayer(), new DibsDevice("ram0", ops.Gid, ops), memory: ops);
    }
}

/// <summary>Point ismspec at it: <c>ismspec conform --device assembly:Acme.RamDibs.dll:RamDibsTarget</c>.</summary>
public sealed class RamDibsTarget() : DibsTarget(new RamDibsAdapter());

/// <summary>The same device with a bug (buffers not zeroed): the run must fail on DIBS-DEV-REGISTER-ZERO.</summary>
public sealed class DirtyRamDibsTarget() : DibsTarget(new RamDibsAdapter(forgetsToZero: true));
