using System.Net.Sockets;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Device;

namespace IsmSpec.VirtioIsm.Remote;

/// <summary>
/// Host side of a guest that runs in another process: serves the transport socket for one device and unplugs the
/// device when the guest's connection ends (orderly or because the process died: the kernel closes its socket), so
/// the host releases the guest's references and its peers keep working (issue 3 item 5).
/// </summary>
public sealed class RemoteGuestEndpoint : IDisposable
{
    private readonly Socket _listener;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _gone = new();
    private Socket? _connection;

    public RemoteGuestEndpoint(VirtioIsmDevice device, string socketPath)
    {
        Device = device;
        SocketPath = socketPath;
        if (File.Exists(socketPath)) File.Delete(socketPath);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(1);
        Device.Start();
        _thread = new Thread(Serve) { IsBackground = true, Name = $"virtio-ism transport {device.Devid}" };
        _thread.Start();
    }

    public VirtioIsmDevice Device { get; }
    public string SocketPath { get; }

    /// <summary>Arguments for the guest process (its eventfds must be inherited: see <see cref="SetInheritable"/>).</summary>
    public RemoteGuestInfo GuestInfo => new(Environment.ProcessId, SocketPath, Device.GuestRam.FileDescriptor,
        Device.Host.Regions.FileDescriptor, Device.NotifyArea.FileDescriptor, Device.Doorbell.FileDescriptor, Device.Interrupt.FileDescriptor);

    /// <summary>Lets the next started child inherit the doorbell and interrupt eventfds (call with false right after).</summary>
    public void SetInheritable(bool inheritable)
    {
        Device.Doorbell.SetInheritable(inheritable);
        Device.Interrupt.SetInheritable(inheritable);
    }

    /// <summary>Waits until the guest's connection has ended and its device is unplugged.</summary>
    public bool WaitGone(TimeSpan timeout) => _gone.Wait(timeout);

    private void Serve()
    {
        try
        {
            _connection = _listener.Accept();
            using var stream = new NetworkStream(_connection, ownsSocket: false);
            var request = new byte[TransportFrame.Size];
            var response = new byte[TransportFrame.Size];
            while (TransportFrame.ReadExactly(stream, request))
            {
                Array.Clear(response);
                Handle(request, response);
                stream.Write(response);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException) { }
        finally
        {
            Device.Unplug();
            _gone.Set();
        }
    }

    private void Handle(ReadOnlySpan<byte> request, Span<byte> response)
    {
        var state = Device.State;
        uint arg = TransportFrame.Arg(request);
        ulong a = TransportFrame.Word(request, 0);
        ulong value = 0;
        switch (TransportFrame.Op(request))
        {
            case TransportOp.GetDeviceId: value = (ulong)Device.DeviceId; break;
            case TransportOp.GetStatus: value = (ulong)state.Status; break;
            case TransportOp.SetStatus: state.Status = (Specs.Virtio.VirtioDeviceStatus)a; break;
            case TransportOp.GetDeviceFeatures: value = state.DeviceFeatures; break;
            case TransportOp.GetDriverFeatures: value = state.DriverFeatures; break;
            case TransportOp.SetDriverFeatures: state.DriverFeatures = a; break;
            case TransportOp.GetConfigGeneration: value = state.ConfigGeneration; break;
            case TransportOp.ReadConfig:
                if (arg <= (uint)state.ConfigLength && a <= 32 && arg + a <= (ulong)state.ConfigLength)
                    state.ReadConfig((int)arg, TransportFrame.Data(response)[..(int)a]);
                break;
            case TransportOp.SetQueue:
                var layout = new VirtqLayout((ushort)a, TransportFrame.Word(request, 1), TransportFrame.Word(request, 2), TransportFrame.Word(request, 3));
                value = Device.SetQueue((int)arg, layout) ? 1UL : 0;
                break;
            case TransportOp.GetShm:
                var shm = Device.SharedMemory;
                if (arg < (uint)shm.Count)
                {
                    value = shm[(int)arg].Length;
                    TransportFrame.Data(response)[0] = (byte)shm[(int)arg].Id;
                }
                break;
        }
        TransportFrame.WriteValue(response, value);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _connection?.Dispose();
        _thread.Join(2000);
        if (File.Exists(SocketPath)) File.Delete(SocketPath);
    }
}
