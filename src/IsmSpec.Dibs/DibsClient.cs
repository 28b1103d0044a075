using IsmSpec.Specs.Dibs;

namespace IsmSpec.Dibs;

/// <summary>
/// struct dibs_client (research §2.3): a name for logging, the client's operations and the id the layer
/// assigns at registration. As in the kernel the id is kept after unregistration (it is only meaningful
/// while registered).
/// </summary>
public sealed class DibsClient
{
    public DibsClient(string name, IDibsClientOps<DibsDevice> ops)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(ops);
        Name = name;
        Ops = ops;
    }

    public string Name { get; }
    public IDibsClientOps<DibsDevice> Ops { get; }

    /// <summary>Slot 0..7 given by <see cref="DibsLayer.RegisterClient"/>; <see cref="DibsSpec.NoDibsClient"/> before the first registration.</summary>
    public byte Id { get; internal set; } = DibsSpec.NoDibsClient;

    public override string ToString() => $"{Name} (id {Id})";
}
