using FsCheck;

namespace IsmSpec.Testing;

/// <summary>
/// Runs FsCheck properties with a fixed replay seed so CI is deterministic. Set ISMSPEC_FSCHECK_SEED to
/// explore other seeds; a failure always names the seed and gamma that reproduce it.
/// </summary>
public static class PropertyRunner
{
    public const ulong DefaultSeed = 20261121UL;

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
            throw new PropertyFailedException(
                $"{what}: property failed with replay seed {seed}, gamma {Gamma} (rerun with ISMSPEC_FSCHECK_SEED={seed}).\n{e.Message}", e);
        }
    }
}

/// <summary>A property found a counterexample; the message holds the seed and the shrunk case.</summary>
public sealed class PropertyFailedException(string message, Exception inner) : Exception(message, inner);
