using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.VirtioIsm.V2;
using IsmSpec.VirtioIsm.Device;
using IsmSpec.VirtioIsm.Host;
using Ids = IsmSpec.Specs.VirtioIsm.V2.VirtioIsmSpec.Ids;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>
/// The driver-role requirements of virtio-ism version 2: a version-2 driver under test runs against reference devices
/// behind a <see cref="ProbePort"/> (generated device ids and chunk sizes); the properties check whether it bound,
/// what it wrote to the status before refusing, and which NOTIFY bytes it marked.
/// </summary>
public sealed class VirtioIsmV2DriverSuite(IVirtioIsmV2DriverAdapter driver) : ConformanceSuite
{
    private const ulong RegionSize = 8192, Chunk = 1024;

    public IVirtioIsmV2DriverAdapter Driver { get; } = driver ?? throw new ArgumentNullException(nameof(driver));
    public override ISpecInfo Spec => VirtioIsmSpec.Instance;
    public override string Name => $"virtio-ism v2 driver ({Driver.Name})";
    public override bool Covers(Requirement requirement) => requirement.Role == RequirementRole.Driver;

    /// <summary>One case: a host, one device of <paramref name="protocol"/> behind a probe port, and whatever the driver did with it.</summary>
    private sealed class Bed : IDisposable
    {
        public Bed(IVirtioIsmV2DriverAdapter adapter, IsmProtocol protocol, int? deviceId = null, ulong? chunkSize = null)
        {
            Host = new IsmHost(new IsmHostOptions { RegionCount = 8, RegionSize = RegionSize, ChunkSize = Chunk, VectorCount = 4, GuestMemoryBytes = 128 * 1024 });
            Device = Host.CreateDevice(protocol);
            Device.Start();
            Port = new ProbePort(Device, deviceId, chunkSize);
            try
            {
                Under = adapter.Connect(Port);
            }
            catch (Exception e)
            {
                Refusal = e.Message;
            }
        }

        public IsmHost Host { get; }
        public VirtioIsmDevice Device { get; }
        public ProbePort Port { get; }
        public IVirtioIsmV2DriverUnderTest? Under { get; }
        public string? Refusal { get; }

        public void Dispose()
        {
            Under?.Dispose();
            Host.Dispose();
        }
    }

    /// <summary>GEN-MISMATCH: the driver binds to device id 44 only, and refuses any other id before writing the status.</summary>
    [Checks(Ids.Vism2DecGenMismatch)]
    public Property DriverBindsOnlyToDeviceId44() => Prop.ForAll(Gen.Frequency((2, Gen.Constant(44)), (2, Gen.Constant(43)), (1, Gen.Choose(1, 63))).ToArbitrary(), id =>
    {
        // 43 is a real first-draft device; other ids are a chunk/area device claiming that id.
        using var bed = new Bed(Driver, id == 43 ? IsmProtocol.Region : IsmProtocol.ChunkArea, id is 43 or 44 ? null : id);
        if (id == VirtioIsmSpec.VirtioIdIsm)
        {
            VismAssert.That(bed.Under is not null, $"the driver refused a chunk/area device (id 44): {bed.Refusal}");
            VismAssert.That(bed.Port.DriverOkSet, "the driver bound to device id 44 but never set DRIVER_OK");
            VismAssert.That(bed.Under!.Alloc(1) is not null, "ALLOC through the driver failed on a chunk/area device");
            return;
        }
        VismAssert.That(bed.Under is null, $"the driver bound to device id {id}");
        VismAssert.That(bed.Port.StatusWrites.Count == 0, $"the driver wrote the status ({string.Join(", ", bed.Port.StatusWrites)}) of a device with id {id} before refusing it");
        VismAssert.Equal(0L, bed.Device.CommandsCompleted, $"controlq commands the device with id {id} completed for a driver that must not drive it");
    });

    /// <summary>CHUNK-POW2: the driver refuses (never sets DRIVER_OK) a device whose chunk_size is not a power of two, and binds otherwise.</summary>
    [Checks(Ids.Vism2CfgChunkPow2)]
    public Property DriverRefusesOddChunkSizes() => Prop.ForAll(ChunkSizes().ToArbitrary(), chunk =>
    {
        using var bed = new Bed(Driver, IsmProtocol.ChunkArea, chunkSize: chunk);
        if (BitOperations.IsPow2(chunk))
        {
            VismAssert.That(bed.Under is not null && bed.Port.DriverOkSet, $"the driver refused chunk_size {chunk}, a power of two: {bed.Refusal}");
            return;
        }
        VismAssert.That(bed.Under is null && !bed.Port.DriverOkSet, $"the driver accepted chunk_size {chunk}, which is not a power of two");
    });

    /// <summary>The device's real chunk size, or values that are not powers of two (0, neighbours, multiples of 3, random).</summary>
    private static Gen<ulong> ChunkSizes() => Gen.Frequency(
        (2, Gen.Constant(Chunk)),
        (1, Gen.Elements(0UL, Chunk - 1, Chunk + 1, 3 * Chunk / 2, 3UL, 6UL)),
        (2, ArbMap.Default.GeneratorFor<ulong>().Where(x => !BitOperations.IsPow2(x))),
        (1, Gen.Choose(1, 62).Select(b => (1UL << b) | 1UL << (b + 1))));

    /// <summary>KICK-NOTIFY-ADDR: notifying a region stores byte 1 at NOTIFY + (offset >> log2(chunk_size)) * notify_size, nothing else.</summary>
    [Checks(Ids.Vism2KickNotifyAddr)]
    public Property DriverKicksTheFirstChunksNotifyAddress() => Prop.ForAll(Gen.ListOf(Gen.Choose(1, (int)RegionSize)).Select(l => l.Take(4).ToArray()).ToArbitrary(), sizes =>
    {
        using var bed = new Bed(Driver, IsmProtocol.ChunkArea);
        var under = bed.Under ?? throw new ConformanceViolation($"the driver refused a chunk/area device: {bed.Refusal}");
        var peer = new LocalGuest(bed.Host.CreateDevice(IsmProtocol.ChunkArea));
        VismAssert.That(peer.Negotiate(0), "the reference peer could not initialize");
        ulong notifySize = bed.Host.Options.NotifySize;
        foreach (var size in sizes.Prepend(1))
        {
            var region = under.Alloc((ulong)size) ?? throw new ConformanceViolation($"ALLOC({size}) through the driver failed");
            ulong offset = FirstArea(peer, region.Token);
            var marks = bed.Port.Marks;
            Array.Clear(marks);
            region.Notify();
            int at = checked((int)((offset >> BitOperations.Log2(Chunk)) * notifySize));
            var others = Enumerable.Range(0, marks.Length).Where(i => i != at && marks[i] != 0).ToList();
            VismAssert.That(marks[at] == 1, $"notify of the region at 0x{offset:X} left byte {marks[at]} at its notify address NOTIFY+{at}, not 1");
            VismAssert.That(others.Count == 0, $"notify of the region at 0x{offset:X} also marked NOTIFY+{string.Join(", +", others)}");
        }
    });

    /// <summary>The first area of the region with <paramref name="token"/>, as the device lists it to a raw peer's ATTACH.</summary>
    private static ulong FirstArea(LocalGuest peer, ulong token)
    {
        var request = new byte[VirtioIsmCtrl.AttachRequestLength];
        VirtioIsmCtrl.TryWriteAttach(request, new VirtioIsmAttachRequest { Token = token }, out _);
        var reply = peer.Exchange(request, Vism2Guest.AreaReplyCapacity);
        VismAssert.That(VirtioIsmCtrl.TryReadAttachReply(reply, out var ack, out var value, out var tail) && ack == VirtioIsmAck.Ok && value.Num > 0,
            $"the token 0x{token:X} the driver holds does not attach for a peer (reply {Convert.ToHexString(reply)})");
        return VirtioIsmAttachReply.GetArea(tail, 0).Offset;
    }
}
