using System.Numerics;
using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VirtioIsm.V2;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Device;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using IsmSpec.VirtioIsm.Port;
using Ids = IsmSpec.Specs.VirtioIsm.V2.VirtioIsmSpec.Ids;
using ShmId = IsmSpec.Specs.VirtioIsm.VirtioIsmShmId;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>Version-2 identity, config and initialization: device id 44, chunk_size, no device features, NOTIFY per chunk.</summary>
public class ChunkAreaConfigTests
{
    [Fact]
    [Trait("Requirement", Ids.Vism2DecProtocol)]
    public async Task A_version_2_device_reports_id_44_chunk_size_and_no_device_features()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        Assert.Equal(IsmProtocol.ChunkArea, a.Device.Protocol);
        Assert.Equal(44, a.Port.DeviceId);
        Assert.Equal(0UL, a.Device.State.DeviceFeatures & 0xFFFFFF);
        Assert.NotEqual(0UL, a.Device.State.DeviceFeatures & VirtioSpec.VirtioFVersion1);
        Span<byte> raw = stackalloc byte[VirtioIsmConfig.Size];
        a.Port.ReadConfig(0, raw);
        Assert.True(VirtioIsmConfig.TryRead(raw, out var config));
        Assert.Equal(ChunkAreaBed.Chunk, config.ChunkSize);
        Assert.True(BitOperations.IsPow2(config.ChunkSize) && IsmBed.RegionSize % config.ChunkSize == 0);
        Assert.Equal((bed.Host.Gid, a.Devid), (config.Gid, config.Devid));
        Assert.Equal(a.Driver.ChunkSize, config.ChunkSize);
        // NOTIFY holds notify_size bytes per chunk of REGIONS (VISM2-DEC-NOTIFY-CHUNKS)
        var shm = a.Device.SharedMemory;
        ulong chunks = shm.Single(s => s.Id == ShmId.Regions).Length / config.ChunkSize;
        Assert.Equal(chunks * config.NotifySize, shm.Single(s => s.Id == ShmId.Notify).Length);
        // version 1 stays the default and reports 43
        using var v1 = bed.Host.CreateDevice();
        Assert.Equal((IsmProtocol.Region, 43), (v1.Protocol, v1.DeviceId));
    }

    [Theory]
    [InlineData(64 * 1024, 0, 16 * 1024)]
    [InlineData(4096, 0, 4096)]
    [InlineData(12 * 1024, 0, 4096)]
    [InlineData(64 * 1024, 8192, 8192)]
    [Trait("Requirement", Ids.Vism2DecProtocol)]
    public void Chunk_size_defaults_and_validation(ulong regionSize, ulong chunk, ulong expected)
    {
        var options = new IsmHostOptions { RegionCount = 2, RegionSize = regionSize, ChunkSize = chunk };
        using var host = new IsmHost(options);
        Assert.Equal(expected, host.ChunkSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => new IsmHost(options with { ChunkSize = 3000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IsmHost(options with { ChunkSize = regionSize * 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IsmHost(options with { ChunkSize = 32 }));   // more than 64 chunks per region
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecProtocol)]
    public void An_odd_region_size_stays_fine_for_version_1_and_needs_an_explicit_chunk_size_for_version_2()
    {
        var options = new IsmHostOptions { RegionCount = 2, RegionSize = 255 * 4096 };
        using var host = new IsmHost(options);
        using var v1 = host.CreateDevice();
        Assert.Throws<InvalidOperationException>(() => host.CreateDevice(IsmProtocol.ChunkArea));
        Assert.Throws<ArgumentOutOfRangeException>(() => host.CreateDevice((IsmProtocol)7));
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2CfgChunkPow2)]
    public async Task The_driver_refuses_a_chunk_size_that_is_not_a_power_of_two()
    {
        using var host = new IsmHost(IsmBed.Options());
        using var device = host.CreateDevice(IsmProtocol.ChunkArea);
        device.Start();
        var port = new PatchedConfigPort(new LocalPort(device), chunkSize: 3 * 1024);
        var error = Assert.Throws<InvalidOperationException>(() => ChunkAreaDriver.Connect(port));
        Assert.Contains("power of two", error.Message);
        Assert.NotEqual(0, (int)(device.State.Status & VirtioDeviceStatus.Failed));
        Assert.False(device.State.DriverOk);
        port.ChunkSize = 0;
        device.State.Status = 0;
        Assert.Throws<InvalidOperationException>(() => ChunkAreaDriver.Connect(port));
        port.ChunkSize = null;                                         // the real value: accepted
        device.State.Status = 0;
        await using var driver = ChunkAreaDriver.Connect(port);
        Assert.True((await driver.AllocAsync(1)).IsOk);
    }

    /// <summary>A port that reports a different chunk_size (a device the driver must refuse).</summary>
    private sealed class PatchedConfigPort(LocalPort inner, ulong? chunkSize) : IVirtioIsmPort
    {
        public ulong? ChunkSize { get; set; } = chunkSize;
        public VirtioDeviceStatus Status { get => inner.Status; set => inner.Status = value; }
        public ulong DeviceFeatures => inner.DeviceFeatures;
        public ulong DriverFeatures { get => inner.DriverFeatures; set => inner.DriverFeatures = value; }
        public uint ConfigGeneration => inner.ConfigGeneration;
        public int ConfigLength => inner.ConfigLength;
        public bool WriteConfig(int offset, ReadOnlySpan<byte> source) => inner.WriteConfig(offset, source);
        public int DeviceId => inner.DeviceId;
        public IGuestMemory GuestMemory => inner.GuestMemory;
        public INotifier Doorbell => inner.Doorbell;
        public INotifier Interrupt => inner.Interrupt;
        public bool SetQueue(int index, VirtqLayout layout) => inner.SetQueue(index, layout);
        public IReadOnlyList<ShmInfo> SharedMemory => inner.SharedMemory;
        public Memory<byte> MapRegions(ulong offset, ulong length, bool writable) => inner.MapRegions(offset, length, writable);
        public Span<byte> NotifyArea => inner.NotifyArea;
        public bool BindVector(int vector, INotifier target) => inner.BindVector(vector, target);
        public void Dispose() => inner.Dispose();

        public void ReadConfig(int offset, Span<byte> destination)
        {
            Span<byte> all = stackalloc byte[VirtioIsmConfig.Size];
            inner.ReadConfig(0, all);
            if (ChunkSize is { } chunk) VirtioIsmConfig.View(all).ChunkSize = chunk;
            all.Slice(offset, destination.Length).CopyTo(destination);
        }
    }
}
