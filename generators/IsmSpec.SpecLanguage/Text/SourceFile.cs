using System;
using System.Collections.Generic;

namespace IsmSpec.SpecLanguage.Text
{
    /// <summary>One spec file's text with a line index, so offsets map to line:column.</summary>
    public sealed class SourceFile
    {
        private readonly int[] _lineStarts;

        public SourceFile(string path, string text)
        {
            Path = path ?? throw new ArgumentNullException(nameof(path));
            Text = text ?? string.Empty;
            var starts = new List<int> { 0 };
            for (int i = 0; i < Text.Length; i++)
            {
                if (Text[i] == '\n') starts.Add(i + 1);
            }
            _lineStarts = starts.ToArray();
        }

        public string Path { get; }
        public string Text { get; }

        /// <summary>Zero-based line and column of an offset.</summary>
        public (int Line, int Column) GetPosition(int offset)
        {
            if (offset < 0) offset = 0;
            if (offset > Text.Length) offset = Text.Length;
            int lo = 0, hi = _lineStarts.Length - 1;
            while (lo < hi)
            {
                int mid = (lo + hi + 1) / 2;
                if (_lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
            }
            return (lo, offset - _lineStarts[lo]);
        }

        public SourceSpan Span(int start, int length) => new SourceSpan(this, start, length);
    }
}
