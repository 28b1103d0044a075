using System.Security.Cryptography;
using System.Text;

namespace IsmSpec.SpecDiff.Model;

/// <summary>A place in an input file, 1-based.</summary>
public sealed record Location(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>
/// One change between OLD and NEW. <see cref="Path"/> is the logical path of the element
/// (<c>spec/kind:name.member</c>); the <see cref="Fingerprint"/> hashes rule, path and values only,
/// never positions, so it survives moving declarations around a file.
/// </summary>
public sealed record Finding(
    DiffRule Rule,
    string Path,
    string Message,
    string? OldValue,
    string? NewValue,
    Location? OldLocation,
    Location? NewLocation)
{
    public string RuleId => Rule.Id;
    public DiffClass Class => Rule.Class;
    public string Fingerprint { get; } = ComputeFingerprint(Rule.Id, Path, OldValue, NewValue);

    /// <summary>First 12 hex digits of SHA-256 over <c>rule:path:old:new</c>.</summary>
    public static string ComputeFingerprint(string ruleId, string path, string? oldValue, string? newValue)
    {
        var text = $"{ruleId}:{path}:{oldValue ?? ""}:{newValue ?? ""}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(hash)[..12];
    }
}
