using System.Diagnostics;
using System.Reflection;
using FsCheck;
using IsmSpec.Codecs;

namespace IsmSpec.Conformance;

/// <summary>
/// Runs suites requirement by requirement: untestable and not-applicable ones are recorded as such,
/// covered ones run their properties with a seed derived from the run seed and the requirement ID.
/// </summary>
public sealed class ConformanceRunner(RunOptions options)
{
    public RunOptions Options { get; } = options;

    /// <summary>The requirements the given suites answer for, after --spec and --filter.</summary>
    public IEnumerable<(ConformanceSuite Suite, Requirement Requirement)> Plan(IEnumerable<ConformanceSuite> suites) =>
        suites.Where(s => Options.SelectsSpec(s.Spec.Name, s.Spec.Version))
              .SelectMany(s => s.Spec.Requirements.Where(s.Covers).Select(r => (Suite: s, Requirement: r)))
              .Where(p => Options.Selects(p.Requirement.Id));

    public ConformanceReport Run(string device, IEnumerable<ConformanceSuite> suites, Action<RequirementResult>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var results = new List<RequirementResult>();
        foreach (var (suite, requirement) in Plan(suites).ToList())
        {
            var result = RunOne(suite, requirement);
            results.Add(result);
            progress?.Invoke(result);
        }
        return new ConformanceReport(device, Options.Seed, Options.MaxTests, results, clock.Elapsed);
    }

    public RequirementResult RunOne(ConformanceSuite suite, Requirement requirement)
    {
        if (requirement.Untestable is { } why) return new RequirementResult(requirement, RequirementStatus.Untestable, why);
        if (suite.NotApplicableReason(requirement) is { } na) return new RequirementResult(requirement, RequirementStatus.NotApplicable, na);
        var methods = PropertiesFor(suite.GetType(), requirement.Id);
        if (methods.Count == 0) return new RequirementResult(requirement, RequirementStatus.NotCovered, "no property checks this requirement yet");

        var clock = Stopwatch.StartNew();
        int tests = 0;
        foreach (var method in methods)
        {
            suite.Context = Options.ContextFor(requirement.Id);
            var outcome = Invoke(suite, method, requirement);
            tests += outcome.TestsRun;
            if (outcome.Status != RequirementStatus.Pass)
                return outcome with { Duration = clock.Elapsed, TestsRun = tests };
        }
        return new RequirementResult(requirement, RequirementStatus.Pass, TestsRun: tests, Duration: clock.Elapsed);
    }

    private RequirementResult Invoke(ConformanceSuite suite, MethodInfo method, Requirement requirement)
    {
        object? value;
        try
        {
            value = method.Invoke(suite, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is ConformanceViolation v)
        {
            return Failed(requirement, v.Message, v.Counterexample, 1);
        }
        catch (TargetInvocationException e)
        {
            return new RequirementResult(requirement, RequirementStatus.Error, $"{method.Name}: {e.InnerException?.GetType().Name}: {e.InnerException?.Message}");
        }
        switch (value)
        {
            case Property property:
                var outcome = PropertyOutcome.Check(property, suite.Context, requirement.Id);
                return outcome.Passed
                    ? new RequirementResult(requirement, RequirementStatus.Pass, TestsRun: outcome.Tests)
                    : Failed(requirement, outcome.Message, outcome.Counterexample, outcome.Tests);
            case false:
                return Failed(requirement, $"{method.Name} returned false", null, 1);
            default:
                return new RequirementResult(requirement, RequirementStatus.Pass, TestsRun: 1);
        }
    }

    private RequirementResult Failed(Requirement requirement, string? message, string? counterexample, int tests) =>
        new(requirement, RequirementStatus.Fail, message, counterexample, Options.Seed, tests);

    internal static IReadOnlyList<MethodInfo> PropertiesFor(Type suite, string requirementId) =>
        suite.GetMethods(BindingFlags.Public | BindingFlags.Instance)
             .Where(m => m.GetCustomAttributes<ChecksAttribute>().Any(a => a.RequirementId == requirementId))
             .OrderBy(m => m.Name, StringComparer.Ordinal)
             .ToList();

    /// <summary>Every requirement ID some method of the suite type claims to check.</summary>
    public static IEnumerable<string> CheckedIds(Type suite) =>
        suite.GetMethods(BindingFlags.Public | BindingFlags.Instance).SelectMany(m => m.GetCustomAttributes<ChecksAttribute>()).Select(a => a.RequirementId);
}

/// <summary>Thrown by a deterministic check (a method returning void) to fail with a counterexample.</summary>
public sealed class ConformanceViolation(string message, string? counterexample = null) : Exception(message)
{
    public string? Counterexample { get; } = counterexample;
}
