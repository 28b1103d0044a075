using FsCheck;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace IsmSpec.Conformance;

/// <summary>Runs one FsCheck property with a seeded config and captures the result instead of throwing.</summary>
internal static class PropertyOutcome
{
    public sealed record Outcome(bool Passed, int Tests, string? Message, string? Counterexample);

    public static Outcome Check(Property property, PropertyContext context, string name)
    {
        var runner = new CapturingRunner();
        var config = Config.Quick
            .WithMaxTest(context.MaxTests)
            .WithReplay(context.Seed, context.Gamma)
            .WithRunner(runner)
            .WithName(name);
        FsCheck.Check.One(config, property);
        var result = runner.Result ?? throw new InvalidOperationException("FsCheck reported no result");
        var text = FsCheck.Runner.onFinishedToString(name, result);
        return result switch
        {
            TestResult.Passed => new Outcome(true, context.MaxTests, null, null),
            TestResult.Failed f => new Outcome(false, f.Item1.NumberOfTests, Explain(text), string.Join(", ", f.Item3.Select(Show))),
            _ => new Outcome(false, context.MaxTests, "gave up: too many generated cases were discarded", null),
        };
    }

    private static string Show(object? o) => o switch
    {
        null => "null",
        byte[] bytes => Convert.ToHexString(bytes),
        System.Collections.IEnumerable e and not string => "[" + string.Join("; ", e.Cast<object?>().Select(Show)) + "]",
        _ => o.ToString() ?? "",
    };

    /// <summary>FsCheck's verdict line, the failing label(s) and the first line of an exception, on one line.</summary>
    private static string Explain(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        var parts = new List<string> { lines.FirstOrDefault() ?? text };
        parts.AddRange(lines.Where(l => l.StartsWith("Label of failing property", StringComparison.Ordinal)));
        int exception = lines.FindIndex(l => l.StartsWith("with exception", StringComparison.Ordinal));
        if (exception >= 0 && exception + 1 < lines.Count) parts.Add(lines[exception + 1]);
        return string.Join(" | ", parts);
    }

    private sealed class CapturingRunner : IRunner
    {
        public TestResult? Result { get; private set; }
        public void OnStartFixture(Type t) { }
        public void OnArguments(int ntest, FSharpList<object> args, FSharpFunc<int, FSharpFunc<FSharpList<object>, string>> every) { }
        public void OnShrink(FSharpList<object> args, FSharpFunc<FSharpList<object>, string> everyShrink) { }
        public void OnFinished(string name, TestResult result) => Result = result;
    }
}
