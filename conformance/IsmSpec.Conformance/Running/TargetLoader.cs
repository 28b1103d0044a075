using System.Reflection;
using System.Runtime.Loader;

namespace IsmSpec.Conformance;

/// <summary>Resolves <c>--device</c>: a built-in name, <c>assembly:PATH[:TYPE]</c> for a third party's adapter, or <c>vhost-user:SOCKET</c> for a virtio-ism vhost-user back-end.</summary>
public static class TargetLoader
{
    /// <summary>Thrown for an unknown name, a missing assembly or type: a usage error (exit 2).</summary>
    public sealed class TargetException(string message) : Exception(message);

    public static IReadOnlyList<IConformanceTarget> Resolve(string? device, IReadOnlyDictionary<string, Func<IConformanceTarget>> builtIn)
    {
        if (device is null) return builtIn.Values.Select(f => f()).ToList();
        if (device.StartsWith("assembly:", StringComparison.Ordinal)) return [FromAssembly(device["assembly:".Length..])];
        if (device.StartsWith(VhostUser.VhostUserTargets.Scheme, StringComparison.Ordinal) && device.Length > VhostUser.VhostUserTargets.Scheme.Length)
            return [VhostUser.VhostUserTargets.ForSocket(device[VhostUser.VhostUserTargets.Scheme.Length..])];
        if (builtIn.TryGetValue(device, out var factory)) return [factory()];
        throw new TargetException($"unknown device '{device}' (built-in: {string.Join(", ", builtIn.Keys)}; or assembly:PATH[:TYPE], vhost-user:SOCKET)");
    }

    private static IConformanceTarget FromAssembly(string spec)
    {
        // PATH may itself contain ':' only on Windows drive letters; split the TYPE off the last ':' after the file name.
        string path = spec, typeName = "";
        int colon = spec.LastIndexOf(':');
        if (colon > 1 && !spec[(colon + 1)..].Contains('/')) { path = spec[..colon]; typeName = spec[(colon + 1)..]; }
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new TargetException($"no adapter assembly at '{path}'");
        Assembly assembly;
        try
        {
            assembly = new IsolatingLoadContext(full).LoadFromAssemblyPath(full);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new TargetException($"'{path}' is not a .NET assembly: {e.Message}");
        }
        var candidates = assembly.GetTypes()
            .Where(t => typeof(IConformanceTarget).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
            .Where(t => typeName.Length == 0 || t.FullName == typeName || t.Name == typeName)
            .ToList();
        return candidates.Count switch
        {
            1 => (IConformanceTarget)Activator.CreateInstance(candidates[0])!,
            0 => throw new TargetException(typeName.Length == 0
                ? $"'{path}' has no public IConformanceTarget with a parameterless constructor"
                : $"'{path}' has no IConformanceTarget named '{typeName}'"),
            _ => throw new TargetException($"'{path}' has several targets ({string.Join(", ", candidates.Select(c => c.FullName))}): name one with assembly:PATH:TYPE"),
        };
    }

    /// <summary>Loads the adapter's own dependencies from its folder, and IsmSpec's from ours (so the interfaces match).</summary>
    private sealed class IsolatingLoadContext(string path) : AssemblyLoadContext(isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name is { } n && (n.StartsWith("IsmSpec.", StringComparison.Ordinal) || n is "FsCheck" or "FSharp.Core" or "Spectre.Console"))
                return null; // share the host's copy
            var resolved = _resolver.ResolveAssemblyToPath(name);
            return resolved is null ? null : LoadFromAssemblyPath(resolved);
        }
    }
}
