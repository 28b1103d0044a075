using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Conformance.Virtio;

/// <summary>
/// A do-nothing device and the starting point of a third party's adapter: status reads 0 whatever is written, no
/// features, no config space, a queue of size 0 whose ring never yields a chain. Every applicable requirement fails
/// against it with a message; none crashes the run. Replace the members one by one with a real device.
/// </summary>
public sealed class NullVirtioDevice : IVirtioDeviceUnderTest
{
    public string Name => "virtio-null device";
    public IVirtioDeviceInstance Create() => new Instance();

    private sealed class Instance : IVirtioDeviceInstance, IVirtqDeviceQueue
    {
        public IVirtioTransport Transport { get; } = new NullTransport();
        public int MaxQueueSize => 0;
        public IVirtqDeviceQueue OpenQueue(IGuestMemory memory, VirtqLayout layout, ushort startIndex, INotifier interrupt) => this;
        public bool TryPop(ReadOnlySpan<byte> response, out VirtqPopped? popped) { popped = null; return false; }
        public void Complete(ushort head) { }
        public void NotifyIfNeeded() { }
        public void Dispose() { }
    }
}

/// <summary>A do-nothing driver: it never initializes, adds nothing, reads zeros. Every applicable requirement fails against it.</summary>
public sealed class NullVirtioDriver : IVirtioDriverUnderTest
{
    public string Name => "virtio-null driver";
    public ulong KnownFeatures => 0;
    public IReadOnlyList<(ulong Feature, ulong Requires)> FeatureDependencies => [];
    public IVirtioDriverInstance Create(VirtioDriverEnvironment environment) => new Instance();

    private sealed class Instance : IVirtioDriverInstance
    {
        public VirtqLayout? Initialize() => null;
        public bool TryAdd(IReadOnlyList<byte[]> readable, IReadOnlyList<int> writable, out ushort head) { head = 0; return false; }
        public void Kick() { }
        public IReadOnlyList<VirtqCompletion> OnInterrupt() => [];
        public void DisableInterrupts() { }
        public void EnableInterrupts() { }
        public byte[] ReadConfig(int offset, int length) => new byte[length];
        public void Dispose() { }
    }
}

/// <summary>A transport that holds nothing: status 0, no features, no config, generation 0.</summary>
internal sealed class NullTransport : IVirtioTransport
{
    public VirtioDeviceStatus Status { get => 0; set { } }
    public ulong DeviceFeatures => 0;
    public ulong DriverFeatures { get => 0; set { } }
    public uint ConfigGeneration => 0;
    public int ConfigLength => 0;
    public void ReadConfig(int offset, Span<byte> destination) => destination.Clear();
    public bool WriteConfig(int offset, ReadOnlySpan<byte> source) => false;
}
