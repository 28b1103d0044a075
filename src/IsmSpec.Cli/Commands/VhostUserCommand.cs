using System.CommandLine;
using System.Net.Sockets;
using System.Text.Json;
using IsmSpec.Cli.Decoding;
using IsmSpec.Cli.Formatting;
using IsmSpec.Cli.Specs;
using IsmSpec.Specs.VhostUser;
using IsmSpec.Specs.Virtio;
using IsmSpec.VhostUser;

namespace IsmSpec.Cli.Commands;

/// <summary>
/// <c>ismspec vhost-user info SOCKET [--json]</c>: connects as a vhost-user front-end and prints what the back-end
/// offers — features (names; device bits named when the back-end looks like virtio-blk), protocol features, queue
/// count and, with CONFIG, the config space (decoded as virtio_blk_config for blk, hex otherwise). The handshake is
/// QEMU's (research §5.6): GET_FEATURES, GET/SET_PROTOCOL_FEATURES, GET_QUEUE_NUM, SET_OWNER, GET_CONFIG. No rings
/// are started. A missing socket, a refused connection or a silent back-end is one line on stderr, exit 2.
/// </summary>
internal static class VhostUserCommand
{
    private const ulong Wanted = (ulong)(VhostUserProtocolFeatures.Mq | VhostUserProtocolFeatures.Config | VhostUserProtocolFeatures.ReplyAck);

    public static Command Create(SpecSource source, TextWriter stdout, TextWriter stderr)
    {
        var socket = new Argument<string>("SOCKET") { Description = "Path of the back-end's listening AF_UNIX socket" };
        var json = new Option<bool>("--json") { Description = "Write the result as JSON" };
        var timeout = new Option<int>("--timeout") { Description = "Milliseconds to wait for each reply", DefaultValueFactory = _ => 5000, HelpName = "MS" };
        var configSize = new Option<int?>("--config-size") { Description = "Bytes of config to read (default: 60 for virtio-blk, else 256)", HelpName = "N" };
        var info = new Command("info", "Connect to a vhost-user back-end and print its features, protocol features, queues and config")
        {
            socket, json, timeout, configSize,
        };
        info.SetAction(parse =>
        {
            var compilation = source.Load(parse, stderr);
            string path = parse.GetValue(socket)!;
            int ms = parse.GetValue(timeout);
            if (ms < 1) throw new CliException("--timeout must be at least 1 ms");
            var result = Probe(path, TimeSpan.FromMilliseconds(ms), parse.GetValue(configSize));
            var decoded = result.Device == VhostUserDeviceKind.Blk && result.Config is { Length: VirtioBlkConfig.Size }
                ? LayoutDecoder.Decode(TypeLookup.Resolve(compilation, "virtio:virtio_blk_config"), result.Config)
                : null;
            if (parse.GetValue(json)) WriteJson(stdout, path, result, decoded);
            else WriteText(stdout, path, result, decoded);
            return ExitCodes.Ok;
        });
        return new Command("vhost-user", "Talk to vhost-user back-ends (front-end side)") { info };
    }

    private sealed record Info(ulong Features, ulong? ProtocolFeatures, uint Queues, VhostUserDeviceKind Device, byte[]? Config, string? ConfigNote);

    private static Info Probe(string path, TimeSpan timeout, int? configSize)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new CliException($"no socket at {path}");
        try
        {
            using var fe = VhostUserFrontEnd.Connect(path);
            fe.ReplyTimeout = timeout;
            var n = fe.Negotiate(Wanted);
            ulong? protocol = (n.OfferedFeatures & VhostUserSpec.VhostUserFProtocolFeatures) != 0 ? n.OfferedProtocolFeatures : null;
            bool blkBits = VhostUserFeatureNames.DeviceBitsAreBlk(n.OfferedFeatures);
            if (!n.Has(VhostUserProtocolFeatures.Config))
                return new Info(n.OfferedFeatures, protocol, n.QueueCount, blkBits ? VhostUserDeviceKind.Blk : VhostUserDeviceKind.Unknown, null, "CONFIG not offered");
            int size = configSize ?? (blkBits ? VirtioBlkConfig.Size : VhostUserSpec.VhostUserMaxConfigSize);
            if (size is < 1 or > VhostUserSpec.VhostUserMaxConfigSize) throw new CliException("--config-size must be 1..256");
            try
            {
                byte[] config = fe.GetConfig(0, (uint)size);
                // blk: the device bits are all virtio-blk bits and a 60-byte config reads (vhost-user has no device id).
                var kind = blkBits && size == VirtioBlkConfig.Size ? VhostUserDeviceKind.Blk : VhostUserDeviceKind.Unknown;
                return new Info(n.OfferedFeatures, protocol, n.QueueCount, kind, config, null);
            }
            catch (VhostUserProtocolException e) when (e.Error == VhostUserError.Refused)
            {
                return new Info(n.OfferedFeatures, protocol, n.QueueCount, VhostUserDeviceKind.Unknown, null, $"GET_CONFIG of {size} bytes refused");
            }
        }
        catch (SocketException e)
        {
            throw new CliException($"cannot connect to {path}: {e.Message}");
        }
        catch (VhostUserTimeoutException)
        {
            throw new CliException($"{path}: the back-end did not answer within {timeout.TotalMilliseconds:0} ms");
        }
        catch (IOException e)
        {
            throw new CliException($"{path}: {e.Message}");
        }
    }

    private static void WriteText(TextWriter output, string path, Info info, DecodedValue? decoded)
    {
        output.WriteLine($"socket: {path}");
        output.WriteLine($"device: {(info.Device == VhostUserDeviceKind.Blk ? "virtio-blk (every device feature bit is a virtio-blk bit and a 60-byte config reads)" : "unknown (device feature bits shown as numbers)")}");
        output.WriteLine($"features: 0x{info.Features:x}");
        foreach (var (bit, name) in Bits(info.Features, b => VhostUserFeatureNames.FeatureName(b, info.Device))) output.WriteLine($"  {bit,2}  {name}");
        if (info.ProtocolFeatures is { } protocol)
        {
            output.WriteLine($"protocol features: 0x{protocol:x}");
            foreach (var (bit, name) in Bits(protocol, ProtocolName)) output.WriteLine($"  {bit,2}  {name}");
        }
        else output.WriteLine("protocol features: none (feature bit 30 not offered)");
        output.WriteLine($"queues: {info.Queues}");
        if (info.Config is null) output.WriteLine($"config: none ({info.ConfigNote})");
        else if (decoded is not null)
        {
            output.Write("config: ");
            DecodeTextWriter.Write(output, decoded);
        }
        else output.WriteLine($"config ({info.Config.Length} bytes): {Convert.ToHexStringLower(info.Config)}");
    }

    private static void WriteJson(TextWriter output, string path, Info info, DecodedValue? decoded)
    {
        string? configJson = null;
        if (decoded is not null)
        {
            var buffer = new StringWriter();
            DecodeJsonWriter.Write(buffer, decoded);
            configJson = buffer.ToString();
        }
        JsonOutput.Write(output, json =>
        {
            json.WriteStartObject();
            json.WriteString("socket", path);
            json.WriteString("device", info.Device == VhostUserDeviceKind.Blk ? "virtio-blk" : "unknown");
            WriteBits(json, "features", info.Features, b => VhostUserFeatureNames.FeatureName(b, info.Device));
            if (info.ProtocolFeatures is { } protocol) WriteBits(json, "protocolFeatures", protocol, ProtocolName);
            else json.WriteNull("protocolFeatures");
            json.WriteNumber("queues", info.Queues);
            if (info.Config is null)
            {
                json.WriteNull("config");
                json.WriteString("configNote", info.ConfigNote);
            }
            else
            {
                json.WriteStartObject("config");
                json.WriteNumber("size", info.Config.Length);
                json.WriteString("hex", Convert.ToHexStringLower(info.Config));
                if (configJson is not null)
                {
                    json.WritePropertyName("decoded");
                    json.WriteRawValue(configJson);
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
        });
    }

    private static void WriteBits(Utf8JsonWriter json, string property, ulong value, Func<int, string?> name)
    {
        json.WriteStartObject(property);
        json.WriteString("value", $"0x{value:x}");
        json.WriteStartArray("bits");
        foreach (var (bit, text) in Bits(value, name))
        {
            json.WriteStartObject();
            json.WriteNumber("bit", bit);
            json.WriteString("name", text);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string? ProtocolName(int bit) => VhostUserProtocolFeaturesInfo.SpecNameOf((VhostUserProtocolFeatures)(1UL << bit));

    private static IEnumerable<(int Bit, string Name)> Bits(ulong value, Func<int, string?> name)
    {
        for (int bit = 0; bit < 64; bit++)
            if ((value & (1UL << bit)) != 0) yield return (bit, name(bit) ?? $"bit {bit}");
    }
}
