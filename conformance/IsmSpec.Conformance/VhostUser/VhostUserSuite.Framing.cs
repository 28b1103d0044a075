using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Specs.VhostUser;
using Ids = IsmSpec.Specs.VhostUser.VhostUserSpec.Ids;

namespace IsmSpec.Conformance.VhostUser;

/// <summary>Framing of the reference front-end as the back-end's socket sees it, and its tolerance of spurious calls.</summary>
public sealed partial class VhostUserSuite
{
    [Checks(Ids.VhostFdsFirstByte)]
    public Property DescriptorsArriveWithTheHeader() => ForAll(Features().ToArbitrary(), f =>
    {
        using var bed = Observed(f);
        lock (bed.Seen)
        {
            That(bed.Framing.Any(m => m.Fds > 0), "the front-end sent no descriptors at all");
            foreach (var m in bed.Framing)
                That(m.Fds <= 8 && m.FdsWithHeader == m.Fds, $"request {m.Request}: {m.FdsWithHeader} of {m.Fds} descriptors came with the header");
        }
    });

    [Checks(Ids.VhostOneSendmsg)]
    public Property PayloadIsQueuedWholeBehindItsHeader() => ForAll(Features().ToArbitrary(), f =>
    {
        using var bed = Observed(f);
        lock (bed.Seen)
            foreach (var m in bed.Framing)
                That(m.PayloadReads <= 1, $"request {m.Request}: the payload arrived in {m.PayloadReads} pieces");
    });

    [Checks(Ids.VhostCallSpurious)]
    public Property SpuriousCallsChangeNothing() => ForAll(Gen.ArrayOf(Gen.Choose(0, 2), 6).ToArbitrary(), plan =>
    {
        using var bed = new Bed(spuriousCalls: true);
        using var a = bed.Guest(VirtioIsmDevices.EventVq);
        using var b = bed.Guest(VirtioIsmDevices.EventVq);
        var (token, offset) = Commands.Alloc(a, 64);
        Commands.Attach(b, token);
        ulong notifySize = BitConverter.ToUInt64(a.Config, 24), regionSize = BitConverter.ToUInt64(a.Config, 16);
        foreach (int step in plan)
        {
            switch (step)
            {
                case 0: That(a.Exchange([0, 0], 1).Length == 1, "a command's completion went missing among spurious calls"); break;
                case 1: That(b.TakeEvents().Count == 0, "a spurious call produced an eventq message"); break;
                default:
                    a.Notify(offset / regionSize * notifySize);
                    That(b.TakeEvents().Count == 1, "an update was lost or doubled among spurious calls");
                    break;
            }
        }
    });
}
