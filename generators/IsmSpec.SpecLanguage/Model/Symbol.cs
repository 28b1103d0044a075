using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Model
{
    /// <summary>Anything with a spec name, a C# name, a source location and an optional doc comment.</summary>
    public abstract class Symbol
    {
        protected Symbol(string name, SourceSpan span, string? doc)
        {
            Name = name; Span = span; Doc = doc; CSharpName = Naming.ToPascal(name);
        }

        /// <summary>The name as written in the spec (snake_case).</summary>
        public string Name { get; }
        public string CSharpName { get; }
        public SourceSpan Span { get; }
        public string? Doc { get; }

        public override string ToString() => Name;
    }
}
