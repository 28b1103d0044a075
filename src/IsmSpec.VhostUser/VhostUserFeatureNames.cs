using IsmSpec.Specs.VhostUser;
using IsmSpec.Specs.Virtio;

namespace IsmSpec.VhostUser;

/// <summary>The device types whose feature bits 0..23 (and config) IsmSpec can name over vhost-user.</summary>
public enum VhostUserDeviceKind
{
    /// <summary>Unknown device type: device bits stay numbers, the config stays hex.</summary>
    Unknown,
    /// <summary>virtio-blk (research §6).</summary>
    Blk,
}

/// <summary>
/// Names for feature words, all from the generated spec tables: virtio transport bits (spec/virtio/device.ism), the
/// two bits vhost-user reuses (spec/vhost-user/messages.ism: 26 LOG_ALL, 30 PROTOCOL_FEATURES), device bits for a
/// known device type (spec/virtio/blk.ism), protocol feature bits (vhost_user_protocol_features). Unnamed bits
/// come out as <c>bit N</c>.
/// </summary>
public static class VhostUserFeatureNames
{
    /// <summary>Device-type bit ranges per virtio content.tex (research §4.4): 0..23, 41, 42, 50..63 of a u64.</summary>
    public static bool IsDeviceBit(int bit) => bit <= 23 || bit is 41 or 42 || bit >= 50;

    public static IReadOnlyList<string> Features(ulong bits, VhostUserDeviceKind device)
    {
        var names = new List<string>();
        for (int bit = 0; bit < 64; bit++)
        {
            if ((bits & (1UL << bit)) == 0) continue;
            names.Add(FeatureName(bit, device) ?? $"bit {bit}");
        }
        return names;
    }

    public static string? FeatureName(int bit, VhostUserDeviceKind device)
    {
        foreach (var f in VhostUserSpec.FeatureTable)
            if (f.Bit == bit) return f.Name;
        bool deviceBit = IsDeviceBit(bit) && bit != 41; // 41 is ADMIN_VQ in the reserved-bit chapter (research §4.4)
        foreach (var f in VirtioSpec.FeatureTable)
        {
            if (f.Bit != bit) continue;
            bool isBlk = f.Name.StartsWith("VIRTIO_BLK_F_", StringComparison.Ordinal);
            if (!isBlk && !deviceBit) return f.Name;          // transport / legacy transport bit
            if (isBlk && deviceBit && device == VhostUserDeviceKind.Blk) return f.Name;
        }
        return null;
    }

    public static IReadOnlyList<string> ProtocolFeatures(ulong bits)
    {
        var names = new List<string>();
        for (int bit = 0; bit < 64; bit++)
        {
            ulong mask = 1UL << bit;
            if ((bits & mask) == 0) continue;
            names.Add(VhostUserProtocolFeaturesInfo.SpecNameOf((VhostUserProtocolFeatures)mask) ?? $"bit {bit}");
        }
        return names;
    }

    /// <summary>Device bits of a feature word that a blk device would use; a back-end "looks like blk" when they are all known blk bits.</summary>
    public static bool DeviceBitsAreBlk(ulong bits)
    {
        ulong device = 0, known = 0;
        for (int bit = 0; bit < 64; bit++)
            if (IsDeviceBit(bit) && bit != 41) device |= bits & (1UL << bit);
        foreach (var f in VirtioSpec.FeatureTable)
            if (f.Name.StartsWith("VIRTIO_BLK_F_", StringComparison.Ordinal)) known |= 1UL << f.Bit;
        return device != 0 && (device & ~known) == 0;
    }
}
