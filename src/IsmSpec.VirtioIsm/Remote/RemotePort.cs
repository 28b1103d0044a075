using System.Net.Sockets;
using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.Virtio.Linux;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Device;
using IsmSpec.VirtioIsm.Port;

namespace IsmSpec.VirtioIsm.Remote;

/// <summary>
/// Guest side of a device in another process: common-configuration accesses go over the transport socket
/// (<see cref="RemoteGuestEndpoint"/>), guest RAM, REGIONS and NOTIFY are the host's memfds mapped here, and the
/// doorbell/interrupt are inherited eventfds. Region views are plain mappings: across processes the device enforces
/// rights at ATTACH, GRANT and on the notify path, not per access (see README, "limits").
/// </summary>
public sealed unsafe class RemotePort : IVirtioIsmPort
{
    private readonly object _lock = new();
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly byte[] _frame = new byte[TransportFrame.Size];
    private readonly SharedMemoryRegion _ram, _regions, _notify;
    private readonly EventFd _doorbell, _interrupt;
    private readonly List<ShmInfo> _shm = new();

    public RemotePort(RemoteGuestInfo info)
    {
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _socket.Connect(new UnixDomainSocketEndPoint(info.SocketPath));
        _stream = new NetworkStream(_socket, ownsSocket: true);
        _ram = SharedMemoryRegion.OpenFromProcess(info.HostPid, info.GuestRamFd);
        _regions = SharedMemoryRegion.OpenFromProcess(info.HostPid, info.RegionsFd);
        _notify = SharedMemoryRegion.OpenFromProcess(info.HostPid, info.NotifyFd);
        _doorbell = EventFd.FromInherited(info.DoorbellFd);
        _interrupt = EventFd.FromInherited(info.InterruptFd);
        GuestMemory = new SharedGuestMemory(_ram);
        for (uint i = 0; ; i++)
        {
            ulong length = Call(TransportOp.GetShm, i, out byte id);
            if (length == 0) break;
            _shm.Add(new ShmInfo((VirtioIsmShmId)id, length));
        }
    }

    public VirtioDeviceStatus Status { get => (VirtioDeviceStatus)Call(TransportOp.GetStatus); set => Call(TransportOp.SetStatus, 0, (ulong)value); }
    public int DeviceId => (int)Call(TransportOp.GetDeviceId);
    public ulong DeviceFeatures => Call(TransportOp.GetDeviceFeatures);
    public ulong DriverFeatures { get => Call(TransportOp.GetDriverFeatures); set => Call(TransportOp.SetDriverFeatures, 0, value); }
    public uint ConfigGeneration => (uint)Call(TransportOp.GetConfigGeneration);
    public int ConfigLength => VirtioIsmConfig.Size;

    public void ReadConfig(int offset, Span<byte> destination)
    {
        lock (_lock)
        {
            Exchange(TransportOp.ReadConfig, (uint)offset, (ulong)destination.Length);
            TransportFrame.Data(_frame)[..destination.Length].CopyTo(destination);
        }
    }

    /// <summary>The virtio-ism config has no writable field.</summary>
    public bool WriteConfig(int offset, ReadOnlySpan<byte> source) => false;

    public IGuestMemory GuestMemory { get; }
    public INotifier Doorbell => _doorbell;
    public INotifier Interrupt => _interrupt;
    public IReadOnlyList<ShmInfo> SharedMemory => _shm;
    public Span<byte> NotifyArea => _notify.Span;

    public bool SetQueue(int index, VirtqLayout layout) =>
        Call(TransportOp.SetQueue, (uint)index, layout.QueueSize, layout.DescTable, layout.AvailRing, layout.UsedRing) == 1;

    public Memory<byte> MapRegions(ulong offset, ulong length, bool writable)
    {
        if (offset > (ulong)_regions.Length || length > (ulong)_regions.Length - offset) throw new ArgumentOutOfRangeException(nameof(offset));
        fixed (byte* start = _regions.Span) return new RegionMemoryManager(start + offset, (int)length, null).View;
    }

    /// <summary>Per-region vectors are in-process only (an interrupt per vector would need one eventfd each).</summary>
    public bool BindVector(int vector, INotifier target) => false;

    private ulong Call(TransportOp op, uint arg = 0, ulong a = 0, ulong b = 0, ulong c = 0, ulong d = 0)
    {
        lock (_lock) return Exchange(op, arg, a, b, c, d);
    }

    private ulong Call(TransportOp op, uint arg, out byte firstData)
    {
        lock (_lock)
        {
            ulong value = Exchange(op, arg);
            firstData = TransportFrame.Data(_frame)[0];
            return value;
        }
    }

    private ulong Exchange(TransportOp op, uint arg, ulong a = 0, ulong b = 0, ulong c = 0, ulong d = 0)
    {
        TransportFrame.WriteRequest(_frame, op, arg, a, b, c, d);
        _stream.Write(_frame);
        if (!TransportFrame.ReadExactly(_stream, _frame)) throw new IOException("the device host closed the transport");
        return TransportFrame.Value(_frame);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _doorbell.Dispose();
        _interrupt.Dispose();
        _notify.Dispose();
        _regions.Dispose();
        _ram.Dispose();
    }
}
