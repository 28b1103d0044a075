using IsmSpec.Conformance.VirtioIsm;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.VhostUser;
using IsmSpec.VhostUser.Ism;

namespace IsmSpec.Conformance.VhostUser;

/// <summary>
/// A virtio-ism device behind a vhost-user socket (<c>ismspec conform --device vhost-user:SOCKET</c>): every guest is a
/// new front-end connection (<see cref="VirtioIsmVhostUserGuest"/>), i.e. one device of the host the back-end serves.
/// Per-case isolation: <see cref="CreateHost"/> sends IsmSpec's private HOST_RESET on a control connection, which
/// drops every earlier front-end and re-creates the served host with the case's name (gid) and memory budget; a guest's
/// <see cref="IVirtioIsmGuest.Remove"/> waits (DEVICE_GONE) until the back-end has released it. A back-end without the
/// control (any third-party one) serves one persistent host: then every case still uses fresh guests and removes them,
/// but the gid and memory-budget properties cannot get the fresh host they ask for (README, "vhost-user").
/// </summary>
public sealed class VhostUserDeviceAdapter(string socketPath, int fallbackWindow = 16, int fallbackVectors = 0) : IVirtioIsmDeviceAdapter
{
    public string SocketPath { get; } = socketPath;
    public string Name => $"vhost-user:{SocketPath}";

    public IVirtioIsmHost CreateHost(VirtioIsmHostRequest request)
    {
        if (request.Version != 1) throw new NotSupportedException("the vhost-user adapter serves virtio-ism version 1 (the back-end's devices are version 1)");
        var control = VhostUserFrontEnd.Connect(SocketPath);
        try
        {
            var info = control.HostReset(request.HostName, request.MemoryRegions);
            if (info is null)
            {
                control.Dispose();
                return new Host(this, null, fallbackWindow, fallbackVectors);
            }
            return new Host(this, control, info.Value.MaxReferencesPerDevice, info.Value.VectorCount);
        }
        catch
        {
            control.Dispose();
            throw;
        }
    }

    private sealed class Host(VhostUserDeviceAdapter adapter, VhostUserFrontEnd? control, int window, int vectors) : IVirtioIsmHost
    {
        private readonly List<Guest> _guests = [];

        public int MaxReferencesPerDevice => window;
        public int VectorCount => Math.Max(1, vectors);

        public IVirtioIsmGuest AddGuest()
        {
            var guest = new Guest(VirtioIsmVhostUserGuest.Connect(adapter.SocketPath), this);
            _guests.Add(guest);
            return guest;
        }

        /// <summary>Waits until the back-end has unplugged <paramref name="devid"/> (control), or a moment (no control).</summary>
        public void WaitGone(ulong devid)
        {
            if (control is not null) control.WaitDeviceGone(devid);
            else Thread.Sleep(50);
        }

        public void Dispose()
        {
            foreach (var g in _guests) g.Remove();
            control?.Dispose();
        }
    }

    private sealed class Guest(VirtioIsmVhostUserGuest guest, Host host) : IVirtioIsmGuest
    {
        private bool _removed;

        public ulong OfferedFeatures => guest.OfferedFeatures;
        public bool Negotiate(ulong features) => !_removed && guest.Negotiate(features);
        public void ReadConfig(Span<byte> config) => guest.ReadConfig().AsSpan(0, config.Length).CopyTo(config);
        public IReadOnlyList<(VirtioIsmShmId Id, ulong Length)> SharedMemory => guest.SharedMemory;
        public byte[] Exchange(ReadOnlySpan<byte> request, int replyCapacity) => _removed ? [] : guest.Exchange(request, replyCapacity);
        public bool TryRead(ulong offset, Span<byte> into) => !_removed && guest.TryRead(offset, into);
        public bool TryWrite(ulong offset, ReadOnlySpan<byte> bytes) => !_removed && guest.TryWrite(offset, bytes);
        public void Notify(ulong notifyOffset) { if (!_removed) guest.Notify(notifyOffset); }
        public IReadOnlyList<byte[]> TakeEvents() => _removed ? [] : guest.TakeEvents();
        public long VectorCount(int vector) => _removed ? 0 : guest.VectorFired(vector);
        public void Reset() { if (!_removed) guest.Reset(); }

        public void Remove()
        {
            if (_removed) return;
            _removed = true;
            ulong devid = BitConverter.ToUInt64(guest.Config, 8);
            guest.Dispose();
            host.WaitGone(devid);
        }
    }
}
