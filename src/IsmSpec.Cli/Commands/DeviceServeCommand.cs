using System.CommandLine;
using System.Runtime.InteropServices;
using IsmSpec.VhostUser.Backend;
using IsmSpec.VirtioIsm.Host;

namespace IsmSpec.Cli.Commands;

/// <summary>
/// <c>ismspec device serve --vhost-user SOCKET [--regions N] [--region-size BYTES] …</c>: serves the reference
/// virtio-ism device (version 1) as a vhost-user back-end until SIGINT/SIGTERM (issue 8 item 4). Every front-end that
/// connects is one guest of the one served host. Prints one ready line once the socket listens.
/// </summary>
internal static class DeviceServeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var socket = new Option<string>("--vhost-user") { Description = "Path of the AF_UNIX socket to listen on", Required = true, HelpName = "SOCKET" };
        var regions = new Option<int>("--regions") { Description = "Region slots of the REGIONS space", DefaultValueFactory = _ => 16, HelpName = "N" };
        var regionSize = new Option<ulong>("--region-size") { Description = "region_size in bytes (a multiple of 4096)", DefaultValueFactory = _ => 64 * 1024, HelpName = "BYTES" };
        var window = new Option<int>("--window") { Description = "References one device may hold (default: every region)", HelpName = "N" };
        var grants = new Option<int>("--grant-entries") { Description = "Per-device permission entries per region", DefaultValueFactory = _ => 8, HelpName = "N" };
        var vectors = new Option<int>("--vectors") { Description = "Interrupt vectors per device (vhost-user rings 2..2+N-1)", DefaultValueFactory = _ => 8, HelpName = "N" };
        var name = new Option<string>("--host-name") { Description = "Host name (with /etc/machine-id it gives the gid)", DefaultValueFactory = _ => "default", HelpName = "NAME" };
        var noControl = new Option<bool>("--no-host-control") { Description = "Refuse IsmSpec's private HOST_RESET/DEVICE_GONE requests (conformance isolation)" };
        var verbose = new Option<bool>("--verbose") { Description = "Log connects and dropped front-ends to stderr" };
        var serve = new Command("serve", "Serve the reference virtio-ism device to vhost-user front-ends until SIGINT/SIGTERM")
        {
            socket, regions, regionSize, window, grants, vectors, name, noControl, verbose,
        };
        serve.SetAction((parse, cancel) =>
        {
            var options = new VhostUserBackEndOptions
            {
                Host = new IsmHostOptions
                {
                    HostName = parse.GetValue(name)!,
                    RegionCount = parse.GetValue(regions),
                    RegionSize = parse.GetValue(regionSize),
                    MaxReferencesPerDevice = parse.GetValue(window) is > 0 and var w ? w : parse.GetValue(regions),
                    MaxGrantEntries = parse.GetValue(grants),
                    VectorCount = parse.GetValue(vectors),
                },
                AllowHostControl = !parse.GetValue(noControl),
            };
            string path = parse.GetValue(socket)!;
            return Task.FromResult(Serve(path, options, parse.GetValue(verbose), stdout, stderr, cancel));
        });
        return new Command("device", "Serve IsmSpec's reference devices to other processes") { serve };
    }

    private static int Serve(string path, VhostUserBackEndOptions options, bool verbose, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        VhostUserBackEnd backEnd;
        try { backEnd = new VhostUserBackEnd(path, options); }
        catch (Exception e) when (e is ArgumentException or IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot serve on {path}: {e.Message}");
        }
        using var stop = new ManualResetEventSlim();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
        using var cancelled = cancel.Register(stop.Set);
        using (backEnd)
        {
            if (verbose) backEnd.Log = line => { lock (stderr) stderr.WriteLine(line); };
            var h = options.Host;
            stdout.WriteLine($"ismspec: serving virtio-ism (version 1) on vhost-user socket {path}: {h.RegionCount} regions of {h.RegionSize} bytes, window {h.MaxReferencesPerDevice}, {h.VectorCount} vectors");
            stdout.Flush();
            stop.Wait();
        }
        return ExitCodes.Ok;
    }
}
