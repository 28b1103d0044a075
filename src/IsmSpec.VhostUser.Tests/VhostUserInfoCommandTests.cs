using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using IsmSpec.Cli;
using IsmSpec.VhostUser.Tests.Support;

namespace IsmSpec.VhostUser.Tests;

/// <summary><c>ismspec vhost-user info</c> against qemu-storage-daemon, and its one-line errors (exit 2).</summary>
public sealed partial class VhostUserInfoCommandTests
{
    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);

    [QemuFact]
    public void Info_prints_decoded_features_protocol_features_queues_and_the_blk_config()
    {
        using var daemon = QemuStorageDaemon.StartNull();
        var (exit, stdout, stderr) = Run("vhost-user", "info", daemon.SocketPath);
        Assert.True(exit == 0, stderr);
        Assert.Equal("", stderr);
        string[] lines = stdout.ReplaceLineEndings("\n").Split('\n');
        Assert.Contains("device: virtio-blk (every device feature bit is a virtio-blk bit and a 60-byte config reads)", lines);
        Assert.Contains("features: 0x175007e46", lines);
        foreach (var expected in new[] { "   1  VIRTIO_BLK_F_SIZE_MAX", "  12  VIRTIO_BLK_F_MQ", "  30  VHOST_USER_F_PROTOCOL_FEATURES", "  32  VIRTIO_F_VERSION_1",
                                          "   3  REPLY_ACK", "   9  CONFIG", "  15  CONFIGURE_MEM_SLOTS", "queues: 1", "config: virtio_blk_config (virtio@1): 60 bytes" })
            Assert.Contains(expected, lines);
        Assert.Contains(lines, l => l.StartsWith("protocol features: 0x8", StringComparison.Ordinal));
        Assert.Matches(@"\n\s+0  capacity\s+= 131072 \(0x20000\)\n", stdout);
        Assert.Matches(@"\n\s+20  blk_size\s+= 512 ", stdout);
    }

    [QemuFact]
    public void Info_json_of_a_two_queue_file_export()
    {
        using var daemon = QemuStorageDaemon.StartFile();
        var (exit, stdout, stderr) = Run("vhost-user", "info", daemon.SocketPath, "--json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("virtio-blk", root.GetProperty("device").GetString());
        Assert.Equal("0x175007e46", root.GetProperty("features").GetProperty("value").GetString());
        Assert.Contains(root.GetProperty("protocolFeatures").GetProperty("bits").EnumerateArray(), b => b.GetProperty("name").GetString() == "CONFIG");
        Assert.Equal(2, root.GetProperty("queues").GetInt32());
        var config = root.GetProperty("config");
        Assert.Equal(60, config.GetProperty("size").GetInt32());
        var fields = config.GetProperty("decoded").GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal(32768UL, fields["capacity"].GetProperty("value").GetUInt64());
        Assert.Equal(2UL, fields["num_queues"].GetProperty("value").GetUInt64());
    }

    [Fact]
    public void A_missing_socket_is_one_line_and_exit_2()
    {
        var (exit, stdout, stderr) = Run("vhost-user", "info", "/nonexistent/ismspec.sock");
        AssertOneLineError(exit, stdout, stderr, "ismspec: no socket at /nonexistent/ismspec.sock");
    }

    [Fact]
    public void A_socket_nobody_listens_on_is_connection_refused()
    {
        string folder = Directory.CreateTempSubdirectory("ismspec-vu-").FullName;
        try
        {
            // .NET unlinks a socket file it bound when the socket closes; a hard link keeps the inode with no listener.
            string bound = Path.Combine(folder, "bound.sock"), path = Path.Combine(folder, "stale.sock");
            using (var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                s.Bind(new UnixDomainSocketEndPoint(bound));
                Assert.Equal(0, Link(bound, path));
            }
            var (exit, stdout, stderr) = Run("vhost-user", "info", path);
            AssertOneLineError(exit, stdout, stderr, $"ismspec: cannot connect to {path}: ");
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void A_back_end_that_never_answers_times_out()
    {
        string folder = Directory.CreateTempSubdirectory("ismspec-vu-").FullName;
        try
        {
            string path = Path.Combine(folder, "silent.sock");
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);                                   // accepted by the kernel, never read
            var (exit, stdout, stderr) = Run("vhost-user", "info", path, "--timeout", "300");
            AssertOneLineError(exit, stdout, stderr, $"ismspec: {path}: the back-end did not answer within 300 ms");
        }
        finally { Directory.Delete(folder, true); }
    }

    private static void AssertOneLineError(int exit, string stdout, string stderr, string prefix)
    {
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var lines = stderr.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.StartsWith(prefix, Assert.Single(lines));
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = CliApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
