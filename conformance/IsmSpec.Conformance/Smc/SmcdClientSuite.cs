using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using Ids = IsmSpec.Specs.Dibs.DibsSpec.Ids;

namespace IsmSpec.Conformance.Smc;

/// <summary>
/// The DIBS client obligations as SMC-D meets them (DIBS-CLIENT-*, research §2.9 and §5 rules 67–80): the
/// client under test runs over a recording device; the properties read its op log. Rules 67–74 here, the
/// device-level rules 75–80 in SmcdClientSuite.Device.cs.
/// </summary>
public sealed partial class SmcdClientSuite(ISmcdClientUnderTest client) : SmcSuite(client)
{
    public override ISpecInfo Spec => DibsSpec.Instance;
    public override string Name => $"dibs client ({ClientUnderTest.Name})";
    public override bool Covers(Requirement requirement) => requirement.Role == RequirementRole.Client;

    private static IEnumerable<ulong> Registered(SmcdBed bed) => bed.Ops("register_dmb").Where(o => o.Rc == 0).Select(o => o.Token);

    /// <summary>Rule 67: at its exit the client unregisters every DMB while still registered, then leaves the layer.</summary>
    [Checks(Ids.DibsClientUnregDmbsFirst)]
    public Property UnregistersDmbsBeforeLeaving() => ForAll(Arb.Zip(Ints(0, 3), Ints(0, 2)), c =>
    {
        using var bed = Bed();
        for (var i = 0; i < c.Item2; i++)
        {
            var (a, b) = bed.Connect();
            a.Dispose();
            b.Dispose();
        }
        for (var i = 0; i < c.Item1; i++)
            bed.Connect().A.Write(Bytes(10, i));
        var rc = SmcdBed.Timed(() => bed.Instance.Shutdown(), "the client's exit (Shutdown)");
        SmcAssert.That(rc.IsOk, $"dibs_unregister_client at exit returned {rc}");
        SmcAssert.That(!bed.Layer.IsRegistered(bed.Instance.Client), "the client is still registered with the layer after its exit");
        var unregs = bed.Ops("unregister_dmb").Where(o => o.Rc == 0).ToList();
        foreach (var token in Registered(bed))
            SmcAssert.That(unregs.Any(u => u.Token == token && u.OwnerSubscribed), $"DMB {token:x} was not unregistered before the client left the layer");
    });

    /// <summary>Rule 68: one unregister_dmb per successful register_dmb and one detach_dmb per successful attach_dmb, however connections end.</summary>
    [Checks(Ids.DibsClientBalancedCalls)]
    public Property BalancedCalls() => ForAll(Arb.Zip(Gen.ListOf(Gen.Choose(0, 5)).Select(l => l.Take(5).ToArray()).ToArbitrary(), Ints(0, 2)), c =>
    {
        var shape = c.Item2 switch { 0 => SmcdDeviceShape.Default, 1 => new SmcdDeviceShape(SmcdBackend.Fake), _ => new SmcdDeviceShape(Full: true) };
        using var bed = Bed(shape);
        foreach (var ending in c.Item1)
        {
            var (a, b) = bed.Connect(256, 512);
            a.Write(Bytes(40, ending));
            switch (ending)
            {
                case 0: a.Dispose(); b.Dispose(); break;
                case 1: a.Abort(); b.Dispose(); break;
                case 2: a.ShutdownWrite(); b.ShutdownWrite(); a.Dispose(); b.Dispose(); break;
                case 3: a.Dispose(); a.Dispose(); b.Abort(); b.Abort(); break;
                case 4: b.Dispose(); a.Dispose(); break;
                default: break; // left open: the client's exit ends it
            }
        }
        SmcdBed.Timed(() => bed.Instance.Shutdown(), "the client's exit (Shutdown)");
        var ops = bed.Rec.Ops;
        var registered = Registered(bed).ToHashSet();
        foreach (var token in registered)
            SmcAssert.Equal(1, ops.Count(o => o.Op == "unregister_dmb" && o.Token == token), $"unregister_dmb calls for DMB {token:x}");
        SmcAssert.That(ops.Where(o => o.Op == "unregister_dmb").All(o => registered.Contains(o.Token)), "unregister_dmb for a DMB the client never registered");
        foreach (var token in ops.Where(o => o.Op == "attach_dmb" && o.Rc == 0).Select(o => o.Token).Distinct())
            SmcAssert.Equal(ops.Count(o => o.Op == "attach_dmb" && o.Rc == 0 && o.Token == token), ops.Count(o => o.Op == "detach_dmb" && o.Token == token), $"detach_dmb calls for attached DMB {token:x}");
    });

    /// <summary>Rule 69: a negative move_data result aborts the connection (no more writes); a positive one is success.</summary>
    [Checks(Ids.DibsClientSmcMoveResult)]
    public Property MoveResultHandling() => ForAll(Arb.Zip(Ints(1, 255), Arb.Zip(Ints(0, 14), Gen.Elements(Errno.EIO, Errno.EINVAL, Errno.ENOSPC, Errno.ENOMEM, Errno.ETIMEDOUT).ToArbitrary())), c =>
    {
        var (positive, (failAt, errno)) = c;
        using var bed = Bed();
        var (a, b) = bed.Connect(256, 256);
        var calls = 0;
        var failedAt = -1;
        bed.Rec.MoveResult = _ =>
        {
            var n = Interlocked.Increment(ref calls) - 1;
            if (n != failAt) return positive;
            failedAt = bed.Rec.Ops.Count;
            return -errno;
        };
        int done = 0, failures = 0;
        for (var i = 0; i < 7; i++)
        {
            var failedBefore = failedAt >= 0;
            if (i == 6 && (!failedBefore || failures > 0))
                break; // the 7th write only checks that a failure is reported at all
            var ok = !SmcdBed.FailsWithIo(() => a.Write(Bytes(20, i)));
            if (failedBefore)
                SmcAssert.That(!ok, $"write {i} succeeded after move_data returned {Errno.Name(-errno)}: the connection must be aborted");
            else if (failedAt < 0)
                SmcAssert.That(ok, $"write {i} failed although every move_data succeeded (positive result {positive} counts as success)");
            if (ok && failedAt < 0) done++;
            if (!ok) failures++;
        }
        bed.Rec.MoveResult = null;
        if (failedAt >= 0)
        {
            SmcAssert.That(failures > 0, $"no write failed after move_data returned {Errno.Name(-errno)}");
            var after = bed.Rec.Ops.Skip(failedAt).Count(o => o.Op == "move_data" && o.Token == b.LocalToken);
            SmcAssert.Equal(0, after, $"move_data calls into the peer DMB after the failing one ({Errno.Name(-errno)} at call {failAt})");
        }
        var expected = Enumerable.Range(0, done).SelectMany(i => Bytes(20, i)).ToArray();
        var got = new byte[expected.Length];
        var read = 0;
        while (read < got.Length)
            read += SmcdBed.Timed(() => b.Read(got.AsSpan(read)), $"reading the {expected.Length} bytes of the successful writes");
        SmcAssert.That(got.AsSpan().SequenceEqual(expected), "the peer read other bytes than the successful writes sent");
    });
}
