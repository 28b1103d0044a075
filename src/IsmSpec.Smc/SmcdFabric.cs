using IsmSpec.Specs.Smc;

namespace IsmSpec.Smc;

/// <summary>What kind of ISM a DIBS device is, read from its fabric (CHID) id (rule 78).</summary>
public enum SmcdFabricKind
{
    /// <summary>A real s390 ISM device: the fabric id is its PCHID.</summary>
    Ism,
    /// <summary>The DIBS loopback (fabric 0xFFFF).</summary>
    Loopback,
    /// <summary>virtio-ism (fabric 0xFF00..0xFFFE).</summary>
    VirtioIsm,
}

/// <summary>smc_ism.h __smc_ism_is_emulated and smc_ism_is_loopback (rule 78, research §2.9 "CHID classes").</summary>
public static class SmcdFabric
{
    public static bool IsEmulated(ushort fabricId) => (fabricId & SmcSpec.SmcEmulatedChidMask) == SmcSpec.SmcEmulatedChidMask;

    public static SmcdFabricKind Classify(ushort fabricId) =>
        fabricId == SmcSpec.SmcLoopbackChid ? SmcdFabricKind.Loopback
        : IsEmulated(fabricId) ? SmcdFabricKind.VirtioIsm
        : SmcdFabricKind.Ism;
}
