using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using IsmSpec.Generator.Emit;
using IsmSpec.Generator.Pipeline;
using IsmSpec.SpecLanguage.Binding;
using IsmSpec.SpecLanguage.Diagnostics;
using IsmSpec.SpecLanguage.Syntax;
using IsmSpec.SpecLanguage.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace IsmSpec.Generator
{
    /// <summary>
    /// Reads *.ism AdditionalFiles and emits, per spec, the wire structs, codecs, dispatchers, ops
    /// interfaces and the requirement catalog. Pipeline: file → (path, text, spec key) → grouped per
    /// spec → generated files + diagnostics. Every model is a value, so editing one spec regenerates
    /// only that spec and editing C# files regenerates nothing.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class IsmSpecGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var files = context.AdditionalTextsProvider
                .Where(static t => t.Path.EndsWith(".ism", StringComparison.OrdinalIgnoreCase))
                .Select(static (t, ct) => ReadFile(t.Path, t.GetText(ct)?.ToString() ?? string.Empty))
                .WithTrackingName(TrackingNames.Files);

            var specs = files.Collect()
                .SelectMany(static (all, _) => GroupBySpec(all))
                .WithTrackingName(TrackingNames.SpecInputs);

            var results = specs
                .Select(static (input, ct) => Generate(input, ct))
                .WithTrackingName(TrackingNames.Generate);

            context.RegisterSourceOutput(results.Select(static (r, _) => r.Files), static (spc, generated) =>
            {
                foreach (var file in generated) spc.AddSource(file.HintName, SourceText.From(file.Text, System.Text.Encoding.UTF8));
            });
            context.RegisterSourceOutput(results.Select(static (r, _) => r.Diagnostics), static (spc, diagnostics) =>
            {
                foreach (var d in diagnostics) spc.ReportDiagnostic(ToRoslyn(d));
            });
        }

        internal static SpecFile ReadFile(string path, string text)
        {
            var header = Parser.Parse(new SourceFile(path, text), new DiagnosticBag()).Header;
            return new SpecFile(path, text, header == null ? string.Empty : header.Name + "@" + header.Version);
        }

        internal static ImmutableArray<SpecInput> GroupBySpec(ImmutableArray<SpecFile> files) =>
            files.GroupBy(f => f.SpecKey)
                 .OrderBy(g => g.Key, StringComparer.Ordinal)
                 .Select(g => new SpecInput(g.Key, new EquatableArray<SpecFile>(g.OrderBy(f => f.Path, StringComparer.Ordinal))))
                 .ToImmutableArray();

        internal static GenerationResult Generate(SpecInput input, CancellationToken ct)
        {
            var compilation = SpecCompilation.Create(input.Files.Select(f => new SourceFile(f.Path, f.Text)));
            ct.ThrowIfCancellationRequested();
            var diagnostics = compilation.Diagnostics.Select(ToInfo).ToList();
            var generated = new List<GeneratedFile>();
            if (!compilation.HasErrors)
            {
                foreach (var spec in compilation.Specs)
                {
                    try
                    {
                        generated.AddRange(SpecEmitter.Emit(spec));
                    }
                    catch (Exception e) when (!(e is OperationCanceledException))
                    {
                        // A generator bug must surface as a diagnostic, never crash the build.
                        diagnostics.Add(new DiagnosticInfo("ISM9999", $"IsmSpec generator failed on spec '{spec.Key}': {e.GetType().Name}: {e.Message}",
                            true, spec.Span.Path, spec.Span.Start, spec.Span.Length, spec.Span.StartLine, spec.Span.StartColumn, spec.Span.EndLine, spec.Span.EndColumn));
                    }
                }
            }
            return new GenerationResult(new EquatableArray<GeneratedFile>(generated), new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        private static DiagnosticInfo ToInfo(SpecDiagnostic d) =>
            new DiagnosticInfo(d.Id, d.Message, d.Severity == SpecSeverity.Error, d.Span.Path ?? string.Empty, d.Span.Start, d.Span.Length,
                d.Span.StartLine, d.Span.StartColumn, d.Span.EndLine, d.Span.EndColumn);

        private static Diagnostic ToRoslyn(DiagnosticInfo d)
        {
            var descriptor = new DiagnosticDescriptor(d.Id, DiagnosticIds.Title(d.Id), "{0}", "IsmSpec",
                d.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, isEnabledByDefault: true);
            var location = Location.Create(d.Path, new TextSpan(d.Start, d.Length),
                new LinePositionSpan(new LinePosition(d.StartLine, d.StartColumn), new LinePosition(d.EndLine, d.EndColumn)));
            return Diagnostic.Create(descriptor, location, d.Message);
        }
    }
}
