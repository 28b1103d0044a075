using IsmSpec.Dibs;

namespace IsmSpec.Conformance.Dibs;

/// <summary>
/// The reference adapter: module load with CONFIG_DIBS_LO=y (<see cref="DibsLayer.Load"/>) gives a fresh layer
/// with its loopback device; DMB memory and removal (dibs_lo_dev_exit, bounded) come from <see cref="IsmSpec.Dibs.Loopback.DibsLoopback"/>.
/// </summary>
public sealed class LoopbackAdapter : IDibsDeviceAdapter
{
    public string Name => "dibs-loopback";
    public DibsDeviceKind Kind => DibsDeviceKind.Loopback;

    public DibsTestBed Create()
    {
        var layer = DibsLayer.Load();
        var lo = layer.Loopback ?? throw new InvalidOperationException("DibsLayer.Load() made no loopback device");
        return new DibsTestBed(layer, lo.Device, memory: lo, remove: lo.Remove);
    }
}
