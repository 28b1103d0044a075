using System.Diagnostics;
using System.Runtime.InteropServices;

namespace IsmSpec.VhostUser.Tests.Support;

/// <summary>The built <c>ismspec</c> CLI (copied next to the tests) as a child process.</summary>
public static partial class ChildProcess
{
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "ismspec.dll");

    public static Process StartCli(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(CliDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start ismspec");
    }

    /// <summary>Sends SIGTERM (Process.Kill sends SIGKILL).</summary>
    public static void Terminate(Process p) => Kill(p.Id, 15);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
