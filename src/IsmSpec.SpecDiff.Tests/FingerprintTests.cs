using System.Text.RegularExpressions;
using IsmSpec.SpecDiff.Engine;
using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecLanguage.Binding;

namespace IsmSpec.SpecDiff.Tests;

/// <summary>Fingerprints hash rule, path and values, never positions: moving declarations around keeps them.</summary>
public class FingerprintTests
{
    private static (string Path, string Text)[] Files(string folder) =>
        Directory.GetFiles(folder, "*.ism").Order(StringComparer.Ordinal).Select(f => (f, File.ReadAllText(f))).ToArray();

    /// <summary>Adds comment lines at the top of every file and moves one struct from commands.ism to the end of device.ism.</summary>
    private static (string Path, string Text)[] Shuffled((string Path, string Text)[] files)
    {
        var commands = files.Single(f => f.Path.EndsWith("commands.ism", StringComparison.Ordinal));
        var match = Regex.Match(commands.Text, @"struct virtio_ism_grant_request \{.*?\n\}\n", RegexOptions.Singleline);
        Assert.True(match.Success, "the v2 commands.ism no longer declares virtio_ism_grant_request");
        var padding = string.Concat(Enumerable.Repeat("// unrelated comment line\n", 15));
        return files.Select(f =>
        {
            var text = f.Text.Replace(match.Value, f.Path == commands.Path ? "" : match.Value);
            if (f.Path.EndsWith("device.ism", StringComparison.Ordinal)) text += "\n" + match.Value;
            int headerEnd = text.IndexOf('\n') + 1;
            return (f.Path, text[..headerEnd] + padding + text[headerEnd..]);
        }).ToArray();
    }

    [Fact]
    public void Moving_declarations_keeps_every_fingerprint_but_changes_locations()
    {
        var v1 = SpecCompilation.FromText(Files(RepoPaths.Spec("virtio-ism", "v1")));
        var v2Files = Files(RepoPaths.Spec("virtio-ism", "v2"));
        var v2 = SpecCompilation.FromText(v2Files);
        var moved = SpecCompilation.FromText(Shuffled(v2Files));
        Assert.Empty(moved.Diagnostics);

        var before = SpecDiffer.Diff(v1.Specs, v2.Specs).Findings;
        var after = SpecDiffer.Diff(v1.Specs, moved.Specs).Findings;
        Assert.Equal(before.Select(f => f.Fingerprint), after.Select(f => f.Fingerprint));
        Assert.NotEqual(before.Select(f => f.NewLocation?.ToString()), after.Select(f => f.NewLocation?.ToString()));

        var grant = after.Single(f => f.Path == "virtio-ism/type:virtio_ism_grant_request.peer_devid");
        Assert.EndsWith("device.ism", grant.NewLocation!.File);
    }

    [Fact]
    public void Fingerprint_is_the_first_12_hex_digits_of_sha256_over_rule_path_and_values()
    {
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes("DEVICE-ID-CHANGED:virtio-ism/device_id:VIRTIO_ID_ISM:VIRTIO_ID_ISM=43:VIRTIO_ID_ISM=44")))[..12];
        Assert.Equal(expected, Finding.ComputeFingerprint("DEVICE-ID-CHANGED", "virtio-ism/device_id:VIRTIO_ID_ISM", "VIRTIO_ID_ISM=43", "VIRTIO_ID_ISM=44"));
    }

    [Fact]
    public void Different_values_give_different_fingerprints()
    {
        Assert.NotEqual(Finding.ComputeFingerprint("R", "p", "1", "2"), Finding.ComputeFingerprint("R", "p", "1", "3"));
        Assert.NotEqual(Finding.ComputeFingerprint("R", "p", "1", null), Finding.ComputeFingerprint("R", "q", "1", null));
    }
}
