using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.S390Ism;

/// <summary>
/// Common ground of the s390 ISM suites: the adapter, the catalog (<see cref="S390IsmSpec"/>), fresh sessions —
/// one fabric per generated case, disposed afterwards — and generators for command fields.
/// </summary>
public abstract class IsmSuite : ConformanceSuite
{
    /// <summary>Host memory per function for most properties: SBA, IEQ and a few small DMBs.</summary>
    internal const int SmallHost = 256 * 1024;

    protected IsmSuite(IIsmFunctionAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        Adapter = adapter;
    }

    public IIsmFunctionAdapter Adapter { get; }
    public override ISpecInfo Spec => S390IsmSpec.Instance;

    public override string? NotApplicableReason(Requirement requirement) =>
        requirement.IsMandatory ? null : $"{requirement.LevelText}: a permission, nothing to check";

    /// <summary>A fresh fabric; a failing adapter becomes a violation (a Fail of the property, not a harness error).</summary>
    internal IsmSession Open(int functions = 2, int hostMemory = SmallHost)
    {
        IsmTestBed bed;
        try
        {
            bed = Adapter.Create(functions, hostMemory);
        }
        catch (Exception e) when (e is not ConformanceViolation)
        {
            throw new ConformanceViolation($"{Adapter.Name}: the adapter could not create a fabric: {e.Message}");
        }
        if (bed.Functions.Count != functions)
            throw new ConformanceViolation($"{Adapter.Name}: asked for {functions} functions, got {bed.Functions.Count}");
        return new IsmSession(bed);
    }

    /// <summary>A session whose functions all have SBA and IEQ registered (the state after probe, research §4.10).</summary>
    internal IsmSession OpenReady(int functions = 2, int hostMemory = SmallHost)
    {
        var s = Open(functions, hostMemory);
        try
        {
            for (int f = 0; f < functions; f++) s.MustAreas(f);
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>FsCheck over generated cases; the body throws <see cref="ConformanceViolation"/> (via <see cref="IsmAssert"/>) to fail.</summary>
    protected static Property ForAll<T>(Arbitrary<T> cases, Action<T> body) => Prop.ForAll(cases, body);

    /// <summary>Integers in [lo, hi] that shrink towards lo.</summary>
    protected static Arbitrary<int> Ints(int lo, int hi) =>
        Arb.From(Gen.Choose(lo, hi), x => new[] { lo, lo + (x - lo) / 2, x - 1 }.Where(v => v >= lo && v < x).Distinct());

    /// <summary>Valid DMB indices 32..1919 (rule 50).</summary>
    protected static Gen<int> DmbIndex => Gen.Choose(S390IsmSpec.IsmDmbBitOffset, S390IsmSpec.IsmNrDmbs - 1);

    /// <summary>Three generators zipped (FsCheck's fluent Zip takes two).</summary>
    internal static Gen<(T1, T2, T3)> Zip3<T1, T2, T3>(Gen<T1> a, Gen<T2> b, Gen<T3> c) =>
        Gen.Zip(a, Gen.Zip(b, c), (x, y) => (x, y.Item1, y.Item2));

    /// <summary>Full-range 32-bit values (event codes, command codes) and 64-bit values (info, GIDs).</summary>
    protected static Gen<uint> U32 => Gen.Zip(Gen.Choose(0, 0xFFFF), Gen.Choose(0, 0xFFFF)).Select(t => (uint)t.Item1 << 16 | (uint)t.Item2);
    protected static Gen<ulong> U64 => Gen.Zip(U32, U32).Select(t => (ulong)t.Item1 << 32 | t.Item2);
}
