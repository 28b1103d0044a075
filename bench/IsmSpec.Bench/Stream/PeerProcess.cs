using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace IsmSpec.Bench.Streaming;

/// <summary>
/// IsmSpec.Bench.Peer as a child process, started in a GlobalSetup and ended in the GlobalCleanup: closing its stdin
/// ends it; after <see cref="ExitTimeout"/> it is killed. Every wait has a timeout, so a broken peer fails the
/// benchmark instead of hanging it.
/// </summary>
internal sealed class PeerProcess : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);
    private readonly StringBuilder _stderr = new();

    private PeerProcess(Process process)
    {
        Process = process;
        process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
    }

    public Process Process { get; }
    public int Id => Process.Id;
    public string Errors { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>
    /// The built peer: $ISMSPEC_BENCH_PEER, else the path recorded at build time (the benchmark may run from a
    /// BenchmarkDotNet-generated folder, so AppContext.BaseDirectory is no guide).
    /// </summary>
    public static string PeerPath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("ISMSPEC_BENCH_PEER")
                ?? typeof(PeerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "IsmSpec.Bench.PeerPath")?.Value;
            if (path is null || !File.Exists(path))
                throw new FileNotFoundException($"IsmSpec.Bench.Peer is not built (looked for '{path}'); build bench/IsmSpec.Bench.Peer or set ISMSPEC_BENCH_PEER");
            return path;
        }
    }

    /// <summary>Starts the peer; <paramref name="inherit"/> is called with true before and false after the start (eventfd inheritance).</summary>
    public static PeerProcess Start(IEnumerable<string> arguments, Action<bool>? inherit = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PeerPath);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        lock (typeof(PeerProcess))
        {
            inherit?.Invoke(true);
            try
            {
                return new PeerProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
            }
            finally
            {
                inherit?.Invoke(false);
            }
        }
    }

    /// <summary>Waits for the peer's "READY …" line and returns what follows READY.</summary>
    public string[] ReadReady()
    {
        var line = Task.Run(() => Process.StandardOutput.ReadLine());
        if (!line.Wait(StartTimeout) || line.Result is not { } text || !text.StartsWith("READY", StringComparison.Ordinal))
            throw Failed("did not report READY");
        return text.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
    }

    public Exception Failed(string what)
    {
        if (!Process.HasExited)
            Process.Kill(entireProcessTree: true);
        Process.WaitForExit(5000);
        return new InvalidOperationException($"benchmark peer {what}; exit {(Process.HasExited ? Process.ExitCode : -1)}; stderr: {Errors}");
    }

    /// <summary>Closes stdin (the peer's signal to finish) and waits; kills it after <see cref="ExitTimeout"/>. True on a clean exit 0.</summary>
    public bool Stop()
    {
        try { Process.StandardInput.Close(); } catch (IOException) { }
        if (Process.WaitForExit(ExitTimeout))
            return Process.ExitCode == 0;
        Process.Kill(entireProcessTree: true);
        Process.WaitForExit(5000);
        return false;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
            Stop();
        Process.Dispose();
    }
}
