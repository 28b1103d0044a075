using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;

namespace IsmSpec.Conformance.Smc;

/// <summary>
/// Common ground of the SMC-D client suites: the adapter, fresh beds per generated case, generators and
/// applicability (the nocopy requirements apply only to a client that attaches peer DMBs).
/// </summary>
public abstract class SmcSuite : ConformanceSuite
{
    protected SmcSuite(ISmcdClientUnderTest client)
    {
        ArgumentNullException.ThrowIfNull(client);
        ClientUnderTest = client;
    }

    public ISmcdClientUnderTest ClientUnderTest { get; }

    /// <summary>Requirements that only a client using attach_dmb ("nocopy") can meet.</summary>
    protected virtual IReadOnlySet<string> NocopyOnly { get; } = new HashSet<string>();

    public override string? NotApplicableReason(Requirement requirement)
    {
        if (!requirement.IsMandatory)
            return $"{requirement.LevelText}: a permission, nothing to check";
        if (NocopyOnly.Contains(requirement.Id) && !ClientUnderTest.UsesNocopy)
            return "the client does not attach peer DMBs (no nocopy send buffer)";
        return null;
    }

    /// <summary>A fresh bed over the default recording device (loopback-backed, mandatory ops).</summary>
    protected SmcdBed Bed(SmcdDeviceShape? shape = null, bool register = true) => new(ClientUnderTest, shape, register);

    protected static Property ForAll<T>(Arbitrary<T> cases, Action<T> body) => Prop.ForAll(cases, body);

    /// <summary>Integers in [lo, hi] that shrink towards lo.</summary>
    protected static Arbitrary<int> Ints(int lo, int hi) =>
        Arb.From(Gen.Choose(lo, hi), x => new[] { lo, lo + (x - lo) / 2, x - 1 }.Where(v => v >= lo && v < x).Distinct());

    /// <summary>Generated values without shrinking (for cases whose failure costs a timeout).</summary>
    protected static Arbitrary<T> NoShrink<T>(Gen<T> gen) => gen.ToArbitrary();

    /// <summary>Ring sizes (DMB size − 32) from tiny rings that wrap often to a few KiB.</summary>
    protected static Gen<uint> DmbSizes => Gen.Frequency((3, Gen.Choose(64, 160)), (2, Gen.Choose(161, 1024)), (1, Gen.Choose(1025, 8192))).Select(n => (uint)n);

    /// <summary>Deterministic non-zero payload bytes.</summary>
    internal static byte[] Bytes(int n, int seed)
    {
        var b = new byte[n];
        for (var i = 0; i < n; i++) b[i] = (byte)(1 + (seed * 31 + i * 7) % 251);
        return b;
    }
}

/// <summary>Assertions of the SMC-D properties: a violated rule throws <see cref="ConformanceViolation"/>.</summary>
public static class SmcAssert
{
    public static void That(bool condition, string message)
    {
        if (!condition)
            throw new ConformanceViolation(message);
    }

    public static void Equal<T>(T expected, T actual, string what) =>
        That(EqualityComparer<T>.Default.Equals(expected, actual), $"{what}: expected {expected}, got {actual}");
}
