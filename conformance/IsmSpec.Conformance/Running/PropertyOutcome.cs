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
            TestResult.Failed f => new Outcome(false, f.Item1.NumberOfTests, FirstLine(text), string.Join(", ", f.Item3.Select(Show))),
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

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? text;

    private sealed class CapturingRunner : IRunner
    {
        public TestResult? Result { get; private set; }
        public void OnStartFixture(Type t) { }
        public void OnArguments(int ntest, FSharpList<object> args, FSharpFunc<int, FSharpFunc<FSharpList<object>, string>> every) { }
        public void OnShrink(FSharpList<object> args, FSharpFunc<FSharpList<object>, string> everyShrink) { }
        public void OnFinished(string name, TestResult result) => Result = result;
    }
}
