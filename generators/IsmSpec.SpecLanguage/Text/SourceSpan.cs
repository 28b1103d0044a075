using System;

namespace IsmSpec.SpecLanguage.Text
{
    /// <summary>A character range in a spec file, with its 1-based line:column for people.</summary>
    public readonly struct SourceSpan : IEquatable<SourceSpan>
    {
        public SourceSpan(SourceFile file, int start, int length)
        {
            Path = file.Path;
            Start = start;
            Length = length < 0 ? 0 : length;
            var (sl, sc) = file.GetPosition(start);
            var (el, ec) = file.GetPosition(start + Length);
            StartLine = sl; StartColumn = sc; EndLine = el; EndColumn = ec;
        }

        public string Path { get; }
        public int Start { get; }
        public int Length { get; }
        /// <summary>Zero-based, as Roslyn's LinePosition.</summary>
        public int StartLine { get; }
        public int StartColumn { get; }
        public int EndLine { get; }
        public int EndColumn { get; }

        public bool IsEmpty => Path is null;

        /// <summary>A span covering this one through <paramref name="end"/> (same file).</summary>
        public SourceSpan Through(SourceSpan end, SourceFile file) =>
            new SourceSpan(file, Start, Math.Max(end.Start + end.Length - Start, 0));

        /// <summary><c>path:line:column</c>, 1-based.</summary>
        public override string ToString() => $"{Path}:{StartLine + 1}:{StartColumn + 1}";

        public bool Equals(SourceSpan other) => Path == other.Path && Start == other.Start && Length == other.Length;
        public override bool Equals(object? obj) => obj is SourceSpan s && Equals(s);
        public override int GetHashCode() => ((Path?.GetHashCode() ?? 0) * 397 ^ Start) * 397 ^ Length;
    }
}
