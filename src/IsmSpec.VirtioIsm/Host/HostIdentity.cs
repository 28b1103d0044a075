using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace IsmSpec.VirtioIsm.Host;

/// <summary>
/// Host identity (draft statement 1, VISM-CFG-GID-STABLE; decision VISM-DEC-GID-DERIVED): gid is derived from the
/// machine id and the host name, so one host yields the same gid every time and other machines or host names differ.
/// </summary>
public static class HostIdentity
{
    public static ulong DeriveGid(string hostName)
    {
        string machine = File.Exists("/etc/machine-id") ? File.ReadAllText("/etc/machine-id").Trim() : Environment.MachineName;
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"virtio-ism gid\0{machine}\0{hostName}"));
        ulong gid = BinaryPrimitives.ReadUInt64LittleEndian(hash);
        return gid == 0 ? 1 : gid;
    }
}
