using System.Globalization;

namespace IsmSpec.VirtioIsm.Remote;

/// <summary>
/// What a guest process needs to reach its device in the host process: the host's pid (memfds are opened through
/// /proc/&lt;pid&gt;/fd), the transport socket, the memfd numbers (guest RAM, REGIONS, NOTIFY) in the host, and the
/// doorbell/interrupt eventfds the guest inherited. Passed as command-line arguments.
/// </summary>
public sealed record RemoteGuestInfo(int HostPid, string SocketPath, int GuestRamFd, int RegionsFd, int NotifyFd, int DoorbellFd, int InterruptFd)
{
    public const int ArgumentCount = 7;

    public string[] ToArguments() =>
    [
        HostPid.ToString(CultureInfo.InvariantCulture), SocketPath, GuestRamFd.ToString(CultureInfo.InvariantCulture),
        RegionsFd.ToString(CultureInfo.InvariantCulture), NotifyFd.ToString(CultureInfo.InvariantCulture),
        DoorbellFd.ToString(CultureInfo.InvariantCulture), InterruptFd.ToString(CultureInfo.InvariantCulture),
    ];

    public static RemoteGuestInfo Parse(string[] args)
    {
        if (args.Length < ArgumentCount) throw new ArgumentException($"expected {ArgumentCount} arguments");
        int I(int i) => int.Parse(args[i], CultureInfo.InvariantCulture);
        return new RemoteGuestInfo(I(0), args[1], I(2), I(3), I(4), I(5), I(6));
    }
}
