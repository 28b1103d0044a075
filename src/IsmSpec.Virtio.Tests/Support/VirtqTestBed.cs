using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Virtio.Tests.Support;

/// <summary>
/// A driver and a device over one guarded guest memory: the rings, an indirect-table area and a data area of
/// <see cref="SlotBytes"/> per queue entry (4 segments of <see cref="SegmentBytes"/>).
/// </summary>
internal sealed class VirtqTestBed
{
    public const int SegmentBytes = 32;
    public const int SegmentsPerSlot = 4;
    public const int SlotBytes = SegmentBytes * SegmentsPerSlot;

    public VirtqTestBed(int queueSize, ulong features, ushort startIdx = 0)
    {
        Features = features;
        int size = 64 * 1024 + queueSize * (SlotBytes + 2 * VirtqDesc.Size * SegmentsPerSlot + 64);
        Memory = new GuardedMemory(size);
        var allocator = new GuestAllocator(Memory);
        Layout = VirtqLayout.Allocate(allocator, queueSize);
        var indirect = new IndirectTableArea(0, SegmentsPerSlot);
        indirect = indirect with { Address = allocator.Allocate(indirect.BytesFor(queueSize), 16) };
        IndirectArea = indirect;
        DataArea = allocator.Allocate((ulong)(queueSize * SlotBytes), 8);
        State = new VirtioDeviceState(features, 16);
        Driver = new VirtqDriver(Memory, Layout, features, Kicks, indirect, startIdx);
        Device = new VirtqDevice(Memory, Layout, features, Interrupts, State, startIdx);
    }

    public ulong Features { get; }
    public GuardedMemory Memory { get; }
    public VirtqLayout Layout { get; }
    public IndirectTableArea IndirectArea { get; }
    public ulong DataArea { get; }
    public VirtioDeviceState State { get; }
    public InProcessNotifier Kicks { get; } = new();
    public InProcessNotifier Interrupts { get; } = new();
    public VirtqDriver Driver { get; }
    public VirtqDevice Device { get; }

    public ulong SegmentAddress(int slot, int segment) => DataArea + (ulong)(slot * SlotBytes + segment * SegmentBytes);

    public Span<byte> Bytes(ulong address, int length) => Memory.Get(address, (uint)length);

    public static ulong FeatureSet(int bits) =>
        ((bits & 1) != 0 ? VirtioSpec.VirtioFEventIdx : 0) | ((bits & 2) != 0 ? VirtioSpec.VirtioFIndirectDesc : 0) | VirtioSpec.VirtioFVersion1;
}
