using Spectre.Console;

namespace IsmSpec.Conformance.Reports;

/// <summary>The console view: a progress display while running, then a table grouped by spec and role.</summary>
public static class ConsoleReport
{
    /// <summary>Runs with a progress bar (plain lines when the output is not a terminal).</summary>
    public static ConformanceReport RunWithProgress(IAnsiConsole console, ConformanceRunner runner, string device, IReadOnlyList<ConformanceSuite> suites)
    {
        int total = runner.Plan(suites).Count();
        ConformanceReport? report = null;
        if (!console.Profile.Capabilities.Interactive)
        {
            report = runner.Run(device, suites);
            return report;
        }
        console.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask($"conformance: {Markup.Escape(device)}", maxValue: Math.Max(total, 1));
            report = runner.Run(device, suites, r => { task.Description = Markup.Escape(r.Requirement.Id); task.Increment(1); });
        });
        return report!;
    }

    public static void Write(IAnsiConsole console, ConformanceReport report)
    {
        foreach (var group in report.Results.GroupBy(r => (r.Requirement.Spec, r.Requirement.Version, r.Requirement.Role)))
        {
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"{group.Key.Spec}@{group.Key.Version} · {group.Key.Role.ToString().ToLowerInvariant()}")
                .AddColumn("requirement").AddColumn("level").AddColumn("status").AddColumn("detail");
            foreach (var r in group)
                table.AddRow(Markup.Escape(r.Requirement.Id), r.Requirement.LevelText, Status(r.Status), Markup.Escape(Detail(r)));
            console.Write(table);
        }
        foreach (var failure in report.Results.Where(r => r.Status == RequirementStatus.Fail))
        {
            console.MarkupLine($"[red]FAIL[/] {Markup.Escape(failure.Requirement.Id)}: {Markup.Escape(failure.Requirement.Summary)}");
            if (failure.Counterexample is not null) console.MarkupLine($"     counterexample: {Markup.Escape(failure.Counterexample)}");
            console.MarkupLine($"     replay: {Markup.Escape(StatusText.ReplayCommand(failure))}");
        }
        console.MarkupLine($"{Markup.Escape(report.Device)}: {Markup.Escape(report.Summary)} (seed {report.Seed}, {report.Duration.TotalSeconds:0.0} s)");
    }

    private static string Detail(RequirementResult r) => r.Status switch
    {
        RequirementStatus.Pass => $"{r.TestsRun} cases",
        _ => r.Message ?? "",
    };

    private static string Status(RequirementStatus s) => s switch
    {
        RequirementStatus.Pass => "[green]pass[/]",
        RequirementStatus.Fail => "[red]FAIL[/]",
        RequirementStatus.Error => "[red]error[/]",
        RequirementStatus.NotCovered => "[yellow]not covered[/]",
        _ => $"[grey]{StatusText.Of(s)}[/]",
    };
}
