using System;

namespace IsmSpec.Generator.Pipeline
{
    /// <summary>One .ism file: path, text and the spec key its header names ("" when it has none).</summary>
    internal sealed record SpecFile(string Path, string Text, string SpecKey);

    /// <summary>All files of one spec (sorted by path): the unit the generator regenerates.</summary>
    internal sealed record SpecInput(string SpecKey, EquatableArray<SpecFile> Files);

    /// <summary>A generated source file.</summary>
    internal sealed record GeneratedFile(string HintName, string Text);

    /// <summary>A diagnostic as a value (no Location), rebuilt as a Roslyn diagnostic when reported.</summary>
    internal sealed record DiagnosticInfo(string Id, string Message, bool IsError, string Path, int Start, int Length,
        int StartLine, int StartColumn, int EndLine, int EndColumn);

    /// <summary>What the generator produced for one spec.</summary>
    internal sealed record GenerationResult(EquatableArray<GeneratedFile> Files, EquatableArray<DiagnosticInfo> Diagnostics);
}
