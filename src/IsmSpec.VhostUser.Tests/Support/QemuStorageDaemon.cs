using System.Diagnostics;

namespace IsmSpec.VhostUser.Tests.Support;

/// <summary>
/// Runs Debian's qemu-storage-daemon with a vhost-user-blk export in a private temp folder (research §7.1): the
/// pidfile, written once the export listens, is the readiness signal. Dispose kills the daemon and removes the folder.
/// </summary>
public sealed class QemuStorageDaemon : IDisposable
{
    public const string Executable = "/usr/bin/qemu-storage-daemon";
    public const string MissingMessage = "qemu-storage-daemon is not installed (apt-get install -y qemu-system-common)";

    private readonly Process _process;
    private readonly string _folder;

    private QemuStorageDaemon(string folder, Process process, string socketPath)
    {
        _folder = folder;
        _process = process;
        SocketPath = socketPath;
    }

    public static bool Available => File.Exists(Executable);

    public string SocketPath { get; }
    public string? ImagePath { get; private init; }
    public int ProcessId => _process.Id;

    /// <summary>null-co, 64 MiB, reads return zeros.</summary>
    public static QemuStorageDaemon StartNull(long size = 64 << 20, int queues = 1) =>
        Start(folder => ($"driver=null-co,node-name=null0,size={size},read-zeroes=on", "null0", null), queues);

    /// <summary>A raw image file (16 MiB by default), writable, <paramref name="queues"/> queues.</summary>
    public static QemuStorageDaemon StartFile(long size = 16 << 20, int queues = 2) =>
        Start(folder =>
        {
            string image = Path.Combine(folder, "disk.img");
            using (var f = File.Create(image)) f.SetLength(size);
            return ($"driver=file,node-name=file0,filename={image}", "file0", image);
        }, queues);

    private static QemuStorageDaemon Start(Func<string, (string Blockdev, string Node, string? Image)> backend, int queues)
    {
        string folder = Directory.CreateTempSubdirectory("ismspec-vu-").FullName;
        string socket = Path.Combine(folder, "blk.sock"), pidfile = Path.Combine(folder, "daemon.pid");
        var (blockdev, node, image) = backend(folder);
        var info = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--blockdev", blockdev,
            "--export", $"type=vhost-user-blk,id=exp0,node-name={node},addr.type=unix,addr.path={socket},writable=on,num-queues={queues}",
            "--pidfile", pidfile,
        }) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start qemu-storage-daemon");
        var daemon = new QemuStorageDaemon(folder, process, socket) { ImagePath = image };
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(File.Exists(pidfile) && File.Exists(socket)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                string err = process.HasExited ? process.StandardError.ReadToEnd() : "(still running, no pidfile)";
                daemon.Dispose();
                throw new InvalidOperationException($"qemu-storage-daemon did not become ready: {err}");
            }
            Thread.Sleep(20);
        }
        return daemon;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A fact that needs qemu-storage-daemon; skipped with a clear message only when the binary is missing.</summary>
public sealed class QemuFactAttribute : FactAttribute
{
    public QemuFactAttribute()
    {
        if (!QemuStorageDaemon.Available) Skip = QemuStorageDaemon.MissingMessage;
    }
}
