using IsmSpec.VirtioIsm.Device;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using IsmSpec.VirtioIsm.Port;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>One version-2 guest: its device (running), the in-process port and the chunk/area driver.</summary>
internal sealed record ChunkGuest(VirtioIsmDevice Device, LocalPort Port, ChunkAreaDriver Driver)
{
    public ulong Devid => Device.Devid;
}

/// <summary>
/// A host (8 regions of 16 KiB, so chunk_size 4096 and 4 chunks per region by default) with version-2 guests, and
/// version-1 guests on demand; disposes everything.
/// </summary>
internal sealed class ChunkAreaBed : IAsyncDisposable
{
    public const ulong Chunk = 4096;
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly List<ChunkAreaDriver> _drivers = new();
    private readonly List<VirtioIsmDriver> _v1 = new();

    public ChunkAreaBed(IsmHostOptions? options = null) => Host = new IsmHost(options ?? IsmBed.Options());

    public IsmHost Host { get; }

    public ChunkGuest AddGuest(VirtioIsmDriverOptions? driverOptions = null)
    {
        var device = Host.CreateDevice(IsmProtocol.ChunkArea);
        device.Start();
        var port = new LocalPort(device);
        var driver = ChunkAreaDriver.Connect(port, driverOptions ?? new VirtioIsmDriverOptions { CommandTimeout = Wait });
        _drivers.Add(driver);
        return new ChunkGuest(device, port, driver);
    }

    public Guest AddV1Guest()
    {
        var device = Host.CreateDevice();
        device.Start();
        var port = new LocalPort(device);
        var driver = VirtioIsmDriver.Connect(port, new VirtioIsmDriverOptions { CommandTimeout = Wait });
        _v1.Add(driver);
        return new Guest(device, port, driver);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _drivers) await d.DisposeAsync();
        foreach (var d in _v1) await d.DisposeAsync();
        Host.Dispose();
    }
}
