using System.Reflection;
using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Conformance.Virtio;

/// <summary>
/// The reference device: <see cref="VirtioDeviceState"/> for status, features and config space, <see cref="VirtqDevice"/>
/// for queue 0. It offers what the ring engine honours: VERSION_1, INDIRECT_DESC and EVENT_IDX (VIRTIO-FEAT-DEVICE-HONOUR).
/// </summary>
public sealed class ReferenceVirtioDevice : IVirtioDeviceUnderTest
{
    public const ulong Offered = VirtioSpec.VirtioFVersion1 | VirtioSpec.VirtioFIndirectDesc | VirtioSpec.VirtioFEventIdx;
    public const int QueueMax = 256;

    public string Name => "virtio-split-ring device";

    public IVirtioDeviceInstance Create() => new Instance();

    /// <summary>Device-specific config: 24 bytes of a recognisable pattern (set by the device before the driver comes).</summary>
    internal static byte[] ConfigPattern { get; } = Enumerable.Range(0, 24).Select(i => (byte)(0xA0 + i)).ToArray();

    private sealed class Instance : IVirtioDeviceInstance
    {
        private readonly VirtioDeviceState _state = new(Offered, ConfigPattern.Length);

        public Instance() => _state.UpdateConfig(0, ConfigPattern);

        public IVirtioTransport Transport => _state;
        public int MaxQueueSize => QueueMax;

        public IVirtqDeviceQueue OpenQueue(IGuestMemory memory, VirtqLayout layout, ushort startIndex, INotifier interrupt) =>
            new Queue(Internals.NewDevice(memory, layout, _state.NegotiatedFeatures, interrupt, _state, startIndex));

        public void Dispose() { }
    }

    private sealed class Queue(VirtqDevice device) : IVirtqDeviceQueue
    {
        private readonly Dictionary<ushort, uint> _written = [];

        public bool TryPop(ReadOnlySpan<byte> response, out VirtqPopped? popped)
        {
            popped = null;
            if (!device.TryPop(out var chain)) return false;
            var readable = new byte[checked((int)chain.ReadableBytes)];
            device.ReadFrom(in chain, readable);
            int written = device.WriteTo(in chain, response);
            _written[chain.Head] = (uint)written;
            popped = new VirtqPopped(chain.Head, readable, chain.WritableBytes, (uint)written);
            return true;
        }

        public void Complete(ushort head)
        {
            _written.Remove(head, out uint len);
            device.Complete(head, len);
        }

        public void NotifyIfNeeded() => device.NotifyIfNeeded();
    }
}

/// <summary>
/// Reaches the ring halves' start-index constructors, which <c>IsmSpec.Virtio</c> keeps internal (a test hook there).
/// Needed to start both rings near 16-bit wrap-around; a public hook in IsmSpec.Virtio would replace this.
/// </summary>
internal static class Internals
{
    private const BindingFlags Ctor = BindingFlags.Instance | BindingFlags.NonPublic;

    private static readonly ConstructorInfo DeviceCtor = typeof(VirtqDevice).GetConstructor(Ctor, null,
        [typeof(IGuestMemory), typeof(VirtqLayout), typeof(ulong), typeof(INotifier), typeof(VirtioDeviceState), typeof(ushort)], null)
        ?? throw new MissingMethodException(nameof(VirtqDevice), "ctor(..., ushort startIdx)");

    private static readonly ConstructorInfo DriverCtor = typeof(VirtqDriver).GetConstructor(Ctor, null,
        [typeof(IGuestMemory), typeof(VirtqLayout), typeof(ulong), typeof(INotifier), typeof(IndirectTableArea?), typeof(ushort)], null)
        ?? throw new MissingMethodException(nameof(VirtqDriver), "ctor(..., ushort startIdx)");

    public static VirtqDevice NewDevice(IGuestMemory memory, VirtqLayout layout, ulong features, INotifier interrupt, VirtioDeviceState state, ushort start) =>
        Invoke<VirtqDevice>(DeviceCtor, memory, layout, features, interrupt, state, start);

    public static VirtqDriver NewDriver(IGuestMemory memory, VirtqLayout layout, ulong features, INotifier kick, IndirectTableArea? indirect, ushort start) =>
        Invoke<VirtqDriver>(DriverCtor, memory, layout, features, kick, indirect, start);

    private static T Invoke<T>(ConstructorInfo ctor, params object?[] args)
    {
        try
        {
            return (T)ctor.Invoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
