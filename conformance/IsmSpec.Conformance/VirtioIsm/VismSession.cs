using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>One fresh host of the device under test and the guests a property plugged into it; disposed after the case.</summary>
internal sealed class VismSession : IDisposable
{
    private readonly List<VismGuest> _guests = [];

    public VismSession(IVirtioIsmDeviceAdapter adapter, VirtioIsmHostRequest request)
    {
        try
        {
            Host = adapter.CreateHost(request);
        }
        catch (Exception e) when (e is not ConformanceViolation)
        {
            throw new ConformanceViolation($"{adapter.Name}: the adapter could not create a host: {e.Message}");
        }
    }

    public IVirtioIsmHost Host { get; }
    public IReadOnlyList<VismGuest> Guests => _guests;

    /// <summary>Plugs in a guest and initializes it accepting <paramref name="features"/> (only those the device offers).</summary>
    public VismGuest Add(ulong features = 0)
    {
        var raw = Host.AddGuest();
        return Open(raw, features & raw.OfferedFeatures, $"guest {(char)('A' + _guests.Count)}");
    }

    /// <summary>(Re)initializes <paramref name="raw"/> and reads its config; the device refusing is a violation.</summary>
    public VismGuest Open(IVirtioIsmGuest raw, ulong features, string name)
    {
        VismAssert.That(raw.Negotiate(features), $"{name}: the device refused feature negotiation (features 0x{features:X})");
        var bytes = new byte[VirtioIsmConfig.Size];
        raw.ReadConfig(bytes);
        VirtioIsmConfig.TryRead(bytes, out var config);
        var guest = new VismGuest(raw, Host, name, features, config);
        _guests.Add(guest);
        return guest;
    }

    /// <summary>Resets <paramref name="guest"/> and initializes it again with the same features (VISM-DEC-RESET-RELEASES).</summary>
    public VismGuest Reinit(VismGuest guest)
    {
        guest.Raw.Reset();
        _guests.Remove(guest);
        return Open(guest.Raw, guest.Features, guest.Name);
    }

    /// <summary>Bytes of the REGIONS space (the REGIONS shared memory regions together).</summary>
    public ulong RegionsLength(VismGuest g) =>
        g.Raw.SharedMemory.Where(s => s.Id == VirtioIsmShmId.Regions).Aggregate(0UL, (sum, s) => sum + s.Length);

    /// <summary>region_size slots of the REGIONS space.</summary>
    public int Slots(VismGuest g) => (int)Math.Min(4096, RegionsLength(g) / g.RegionSize);

    public void Dispose() => Host.Dispose();
}
