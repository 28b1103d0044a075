using System.CommandLine;
using IsmSpec.Conformance;
using IsmSpec.Conformance.Reports;
using Spectre.Console;

namespace IsmSpec.Cli.Commands;

/// <summary>
/// <c>ismspec conform</c>: runs the conformance suites against the reference devices (default) or a given device.
/// Exit 0 when every requirement passes (or does not apply), 1 when one fails, 2 for a usage or harness error.
/// </summary>
public static class ConformCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var device = new Option<string?>("--device") { Description = "NAME of a built-in device, or assembly:PATH[:TYPE] for your adapter" };
        var spec = new Option<string?>("--spec") { Description = "only this spec (e.g. dibs, virtio-ism@1)" };
        var filter = new Option<string?>("--filter") { Description = "only requirement IDs matching this glob (e.g. VISM-ALLOC-*)" };
        var seed = new Option<ulong>("--seed") { Description = "run seed; a failure prints the seed that replays it", DefaultValueFactory = _ => RunOptions.DefaultSeed };
        var maxTests = new Option<int>("--max-tests") { Description = "cases per property", DefaultValueFactory = _ => 100 };
        var json = new Option<string?>("--json") { Description = "write the JSON report (schema ismspec-conform/1) to FILE" };
        var junit = new Option<string?>("--junit") { Description = "write a JUnit XML report to FILE" };
        var command = new Command("conform", "Run the conformance suites: a property per normative requirement")
        {
            device, spec, filter, seed, maxTests, json, junit,
        };
        command.SetAction(parse =>
        {
            int tests = parse.GetValue(maxTests);
            if (tests < 1) throw new CliException("--max-tests must be at least 1");
            var options = new RunOptions(parse.GetValue(seed), tests, parse.GetValue(filter), parse.GetValue(spec));
            IReadOnlyList<IConformanceTarget> targets;
            try { targets = TargetLoader.Resolve(parse.GetValue(device), ReferenceTargets.All); }
            catch (TargetLoader.TargetException e) { throw new CliException(e.Message); }
            return Run(targets, options, parse.GetValue(json), parse.GetValue(junit), stdout, stderr);
        });
        return command;
    }

    private static int Run(IReadOnlyList<IConformanceTarget> targets, RunOptions options, string? jsonPath, string? junitPath, TextWriter stdout, TextWriter stderr)
    {
        bool terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = 160;
        var runner = new ConformanceRunner(options);
        var reports = new List<ConformanceReport>();
        foreach (var target in targets)
        {
            List<ConformanceSuite> suites;
            try { suites = target.CreateSuites().ToList(); }
            catch (Exception e) { throw new CliException($"device '{target.Name}' could not be set up: {e.Message}"); }
            if (!runner.Plan(suites).Any()) continue;
            var report = ConsoleReport.RunWithProgress(console, runner, target.Name, suites);
            ConsoleReport.Write(console, report);
            reports.Add(report);
        }
        if (reports.Count == 0) throw new CliException("nothing to run: no requirement matches --device/--spec/--filter");
        var combined = Combine(reports, options);
        if (jsonPath is not null) WriteFile(jsonPath, s => JsonReportWriter.Write(combined, s));
        if (junitPath is not null) WriteFile(junitPath, s => JUnitReportWriter.Write(combined, s));
        if (combined.Count(RequirementStatus.Error) > 0)
        {
            stderr.WriteLine($"ismspec: {combined.Count(RequirementStatus.Error)} requirement(s) could not be checked (harness or adapter error; see the report)");
            return ExitCodes.UsageError;
        }
        if (!combined.Passed) stderr.WriteLine($"ismspec: conformance failed; replay with --seed {options.Seed} and --filter ID");
        return combined.Passed ? ExitCodes.Ok : ExitCodes.Findings;
    }

    private static ConformanceReport Combine(List<ConformanceReport> reports, RunOptions options) =>
        reports.Count == 1 ? reports[0] : new ConformanceReport(string.Join(", ", reports.Select(r => r.Device)), options.Seed, options.MaxTests,
            reports.SelectMany(r => r.Results).ToList(), TimeSpan.FromTicks(reports.Sum(r => r.Duration.Ticks)));

    private static void WriteFile(string path, Action<Stream> write)
    {
        try
        {
            using var stream = File.Create(path);
            write(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write '{path}': {e.Message}");
        }
    }
}
