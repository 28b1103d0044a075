using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.VirtioIsm.Device;

/// <summary>One shared memory region a device exposes (virtio 1.x §2.10 Shared Memory Regions): its shmid and length.</summary>
public readonly record struct ShmInfo(VirtioIsmShmId Id, ulong Length);
