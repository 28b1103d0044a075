using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>
/// A do-nothing stub and the starting point for a third party's adapter: the device offers no features, reads as
/// zeros, accepts the feature negotiation but completes no controlq request (every command gets no reply), maps no
/// memory and raises no event. Every applicable requirement fails against it, each with a message; none crashes the
/// run, and the feature-gated ones are not applicable. Replace the members one by one with a real device.
/// </summary>
public sealed class NullVirtioIsmAdapter : IVirtioIsmDeviceAdapter
{
    public string Name => "virtio-ism-null";

    public IVirtioIsmHost CreateHost(VirtioIsmHostRequest request) => new NullHost();

    private sealed class NullHost : IVirtioIsmHost
    {
        public int MaxReferencesPerDevice => 1;
        public IVirtioIsmGuest AddGuest() => new NullGuest();
        public void Dispose() { }
    }

    private sealed class NullGuest : IVirtioIsmGuest
    {
        public ulong OfferedFeatures => 0;
        public bool Negotiate(ulong features) => features == 0;
        public void ReadConfig(Span<byte> config) => config.Clear();
        public IReadOnlyList<(VirtioIsmShmId Id, ulong Length)> SharedMemory => [];
        public byte[] Exchange(ReadOnlySpan<byte> request, int replyCapacity) => [];
        public bool TryRead(ulong offset, Span<byte> into) => false;
        public bool TryWrite(ulong offset, ReadOnlySpan<byte> bytes) => false;
        public void Notify(ulong notifyOffset) { }
        public IReadOnlyList<byte[]> TakeEvents() => [];
        public long VectorCount(int vector) => 0;
        public void Reset() { }
        public void Remove() { }
    }
}
