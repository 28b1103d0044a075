using IsmSpec.SpecDiff.Engine;
using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecDiff.Output;
using IsmSpec.SpecLanguage.Diagnostics;

namespace IsmSpec.SpecDiff.Input;

/// <summary>
/// <c>ismspec diff OLD NEW</c> end to end: load both sides, stop on spec errors, diff, print.
/// Exit codes: 0 no finding reaches --fail-on; 1 one does; 2 input or usage error.
/// </summary>
public static class DiffRunner
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Error = 2;

    public static int Run(string oldPath, string newPath, string? format, string? failOn, TextWriter stdout, TextWriter stderr)
    {
        if (!ReportFormats.TryParse(format ?? "text", out var reportFormat))
        {
            stderr.WriteLine($"ismspec: unknown --format '{format}' (expected text, markdown, json or junit)");
            return Error;
        }
        if (!DiffClasses.TryParseFailOn(failOn ?? "wire", out var threshold))
        {
            stderr.WriteLine($"ismspec: unknown --fail-on '{failOn}' (expected wire, source, normative, any or none)");
            return Error;
        }
        SpecInput oldInput, newInput;
        try
        {
            oldInput = SpecInput.Load(oldPath);
            newInput = SpecInput.Load(newPath);
        }
        catch (SpecInputException e)
        {
            stderr.WriteLine($"ismspec: {e.Message}");
            return Error;
        }
        bool errors = false;
        foreach (var input in new[] { oldInput, newInput })
        {
            foreach (var w in input.TexWarnings) stderr.WriteLine($"{input.Path}:{w.Line}: warning TEX: {w.Message}");
            foreach (var d in input.Compilation.Diagnostics) stderr.WriteLine(input.Format(d));
            errors |= input.Compilation.Diagnostics.Any(d => d.Severity == SpecSeverity.Error);
            if (input.Compilation.Specs.Count == 0 && !input.Compilation.HasErrors)
            {
                stderr.WriteLine($"ismspec: no spec found in '{input.Path}'");
                errors = true;
            }
        }
        if (errors)
        {
            stderr.WriteLine("ismspec: the inputs have spec errors; fix them before diffing");
            return Error;
        }
        var report = SpecDiffer.Diff(oldInput.Compilation.Specs, newInput.Compilation.Specs, oldInput.Locator, newInput.Locator);
        ReportFormats.Write(reportFormat, stdout, report, new DiffRunInfo(oldPath, newPath, threshold));
        return report.Fails(threshold) ? Failed : Ok;
    }
}
