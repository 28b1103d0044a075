using System.Globalization;
using System.Text;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Remote;

// A guest in its own process (used by IsmSpec.VirtioIsm.Tests CrossProcessTests). Arguments:
//   <RemoteGuestInfo: hostPid socket ramFd regionsFd notifyFd doorbellFd interruptFd> <scenario> <token>
// flow: attach the token, write "hello from B", notify, wait for the peer's update, print its reply, detach, exit 0.
// hold: attach, write "held by B", notify, print ATTACHED and wait to be killed.
if (args.Length != RemoteGuestInfo.ArgumentCount + 2)
{
    Console.Error.WriteLine("usage: hostPid socket ramFd regionsFd notifyFd doorbellFd interruptFd flow|hold token");
    return 64;
}
var info = RemoteGuestInfo.Parse(args);
string scenario = args[RemoteGuestInfo.ArgumentCount];
ulong token = ulong.Parse(args[RemoteGuestInfo.ArgumentCount + 1], CultureInfo.InvariantCulture);

using var port = new RemotePort(info);
await using var driver = VirtioIsmDriver.Connect(port);
Console.WriteLine($"READY {driver.Devid}");
var attached = await driver.AttachAsync(token);
if (!attached.IsOk)
{
    Console.Error.WriteLine($"attach failed: {attached.Error}");
    return 2;
}
var region = attached.Value;
Encoding.ASCII.GetBytes(scenario == "hold" ? "held by B" : "hello from B").CopyTo(region.Memory.Span);
region.Notify();
if (scenario == "hold")
{
    Console.WriteLine($"ATTACHED {region.Offset}");
    Thread.Sleep(Timeout.Infinite);
}

var update = await driver.NextUpdateAsync(TimeSpan.FromSeconds(10));
if (update is not { } u || u.Offset != region.Offset)
{
    Console.Error.WriteLine("no update from the peer");
    return 3;
}
string reply = Encoding.ASCII.GetString(region.ReadOnlyMemory.Span.Slice(64, 12));
Console.WriteLine($"GOT {reply}");
var detached = await driver.DetachAsync(region);
Console.WriteLine(detached.IsOk ? "DETACHED" : $"DETACH FAILED {detached.Error}");
return detached.IsOk ? 0 : 4;
