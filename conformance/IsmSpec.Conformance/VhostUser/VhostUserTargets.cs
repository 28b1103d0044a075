using IsmSpec.Conformance.VirtioIsm;

namespace IsmSpec.Conformance.VhostUser;

/// <summary>
/// vhost-user targets: <c>vhost-user:SOCKET</c> runs the virtio-ism device suite against the back-end at SOCKET
/// (<see cref="VhostUserDeviceAdapter"/>); the built-in <c>vhost-user</c> runs the VHOST-* suite against IsmSpec's own
/// back-end and front-end (<see cref="VhostUserSuite"/>).
/// </summary>
public static class VhostUserTargets
{
    public const string Scheme = "vhost-user:";

    public static IReadOnlyDictionary<string, Func<IConformanceTarget>> BuiltIn { get; } = new Dictionary<string, Func<IConformanceTarget>>
    {
        ["vhost-user"] = () => new VhostUserProtocolTarget(),
    };

    /// <summary>The target for <c>--device vhost-user:SOCKET</c>.</summary>
    public static IConformanceTarget ForSocket(string socketPath) => new VirtioIsmTarget(new VhostUserDeviceAdapter(socketPath));
}

/// <summary>The VHOST-* requirements checked on IsmSpec's reference back-end and front-end.</summary>
public sealed class VhostUserProtocolTarget : IConformanceTarget
{
    public string Name => "vhost-user";
    public IEnumerable<ConformanceSuite> CreateSuites() => [new VhostUserSuite()];
}
