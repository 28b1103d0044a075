using FsCheck;

namespace IsmSpec.S390Ism.Tests.Support;

/// <summary>
/// Runs FsCheck properties with a fixed replay seed so runs are deterministic. ISMSPEC_FSCHECK_SEED picks
/// another seed; a failure names the seed and gamma that reproduce it.
/// </summary>
internal static class PropertyRunner
{
    public const ulong DefaultSeed = 20261122UL;
    /// <summary>FsCheck's split-mix gamma; must be odd.</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public static ulong Seed =>
        ulong.TryParse(Environment.GetEnvironmentVariable("ISMSPEC_FSCHECK_SEED"), out var seed) ? seed : DefaultSeed;

    public static void Check(Property property, int maxTest, string what)
    {
        var seed = Seed;
        try
        {
            FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithReplay(seed, Gamma), property);
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: property failed with replay seed {seed}, gamma {Gamma} (rerun with ISMSPEC_FSCHECK_SEED={seed}).\n{e.Message}");
        }
    }
}
