using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.Virtio;

namespace IsmSpec.Conformance.Virtio;

/// <summary>
/// Common ground of the virtio suites: the catalog (<see cref="VirtioSpec"/>), the role a suite answers for,
/// applicability (MAY rules, SHOULD rules unless <see cref="CheckRecommendations"/>, features the implementation does
/// not have) and generators shared by both sides.
/// </summary>
public abstract class VirtioSuite(bool checkRecommendations) : ConformanceSuite
{
    public override ISpecInfo Spec => VirtioSpec.Instance;

    /// <summary>The role whose requirements the suite checks.</summary>
    protected abstract RequirementRole Role { get; }

    /// <summary>Also run the properties of SHOULD / SHOULD NOT requirements (off by default: they do not decide conformance).</summary>
    public bool CheckRecommendations { get; } = checkRecommendations;

    public override bool Covers(Requirement requirement) => requirement.Role == Role;

    public override string? NotApplicableReason(Requirement requirement)
    {
        if (requirement.Level == RequirementLevel.May) return "MAY: a permission, nothing to check";
        if (!requirement.IsMandatory && !CheckRecommendations) return $"{requirement.LevelText}: a recommendation, checked only when recommendations are on";
        return Inapplicable(requirement);
    }

    /// <summary>Why the implementation lacks what a requirement is about (e.g. a feature), or null.</summary>
    protected abstract string? Inapplicable(Requirement requirement);

    /// <summary>A fresh implementation instance; a failing adapter becomes a violation (a Fail, not a harness error).</summary>
    internal static T Make<T>(string name, Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is not ConformanceViolation)
        {
            throw new ConformanceViolation($"{name}: the adapter could not create an instance: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>FsCheck over generated cases; the body throws <see cref="ConformanceViolation"/> to fail.</summary>
    protected static Property ForAll<T>(Arbitrary<T> cases, Action<T> body) => Prop.ForAll(cases, body);

    /// <summary>Integers in [lo, hi] that shrink towards lo.</summary>
    protected static Arbitrary<int> Ints(int lo, int hi) =>
        Arb.From(Gen.Choose(lo, hi), x => new[] { lo, lo + (x - lo) / 2, x - 1 }.Where(v => v >= lo && v < x).Distinct());

    /// <summary>Powers of two 2^lo..2^hi (queue sizes, virtio 1.x §2.7).</summary>
    protected static Gen<int> QueueSizes(int lo, int hi) => Gen.Choose(lo, hi).Select(e => 1 << e);

    /// <summary>Ring start indices, half of them within a few entries of 16-bit wrap-around (VIRTQ-IDX-FREE-RUNNING).</summary>
    protected static Gen<ushort> StartIndices =>
        Gen.OneOf(Gen.Choose(65516, 65535), Gen.Choose(0, 65535)).Select(i => (ushort)i);

    /// <summary>A subset of <paramref name="bits"/> (each bit in or out).</summary>
    protected static Gen<ulong> SubsetOf(ulong bits) =>
        Gen.ArrayOf(Gen.Elements(false, true), 64).Select(pick =>
        {
            ulong v = 0;
            for (int i = 0; i < 64; i++) if (pick[i]) v |= bits & (1UL << i);
            return v;
        });
}

/// <summary>Assertions of the virtio properties: a violated rule throws <see cref="ConformanceViolation"/>.</summary>
internal static class VAssert
{
    public static void That(bool condition, string message)
    {
        if (!condition) throw new ConformanceViolation(message);
    }

    public static void Equal<T>(T expected, T actual, string what) =>
        That(EqualityComparer<T>.Default.Equals(expected, actual), $"{what}: expected {expected}, got {actual}");

    public static void Bytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what) =>
        That(expected.SequenceEqual(actual), $"{what}: expected {Convert.ToHexString(expected)}, got {Convert.ToHexString(actual)}");

    /// <summary>Runs an adapter call; an exception from it is a violation of the requirement being checked.</summary>
    public static T Call<T>(string what, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is not ConformanceViolation)
        {
            throw new ConformanceViolation($"{what} threw {e.GetType().Name}: {e.Message}");
        }
    }

    public static void Call(string what, Action call) => Call(what, () => { call(); return 0; });
}

/// <summary>Generators combined into value tuples (FsCheck's fluent Zip takes two and returns a reference tuple).</summary>
internal static class Tup
{
    /// <summary>Arrays of lo..hi elements.</summary>
    public static Gen<T[]> Array<T>(Gen<T> g, int lo, int hi) => Gen.Choose(lo, hi).SelectMany(n => Gen.ArrayOf(g, n));
    public static Gen<(A, B)> Of<A, B>(Gen<A> a, Gen<B> b) => Gen.Zip(a, b, (x, y) => (x, y));
    public static Gen<(A, B, C)> Of<A, B, C>(Gen<A> a, Gen<B> b, Gen<C> c) => Gen.Zip(a, Of(b, c), (x, y) => (x, y.Item1, y.Item2));
    public static Gen<(A, B, C, D)> Of<A, B, C, D>(Gen<A> a, Gen<B> b, Gen<C> c, Gen<D> d) => Gen.Zip(Of(a, b), Of(c, d), (x, y) => (x.Item1, x.Item2, y.Item1, y.Item2));
}
