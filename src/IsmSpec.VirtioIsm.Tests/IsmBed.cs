using IsmSpec.VirtioIsm.Device;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using IsmSpec.VirtioIsm.Port;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>One guest: its device (running), the in-process port and the connected driver.</summary>
internal sealed record Guest(VirtioIsmDevice Device, LocalPort Port, VirtioIsmDriver Driver)
{
    public ulong Devid => Device.Devid;
}

/// <summary>A host with small regions and any number of in-process guests; disposes everything.</summary>
internal sealed class IsmBed : IAsyncDisposable
{
    public const ulong RegionSize = 16 * 1024;
    private readonly List<Guest> _guests = new();

    public IsmBed(IsmHostOptions? options = null) =>
        Host = new IsmHost(options ?? Options());

    public static IsmHostOptions Options(int regions = 8) => new() { RegionCount = regions, RegionSize = RegionSize };

    public IsmHost Host { get; }

    public Guest AddGuest(VirtioIsmDriverOptions? driverOptions = null)
    {
        var device = Host.CreateDevice();
        device.Start();
        var port = new LocalPort(device);
        var guest = new Guest(device, port, VirtioIsmDriver.Connect(port, driverOptions ?? new VirtioIsmDriverOptions { CommandTimeout = TimeSpan.FromSeconds(5) }));
        _guests.Add(guest);
        return guest;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var g in _guests) await g.Driver.DisposeAsync();
        Host.Dispose();
    }
}
