using System.Collections.Generic;
using System.IO;
using System.Linq;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Binding
{
    /// <summary>File-system loading, for the CLI and tests (the generator gets its text from Roslyn and does not compile this file).</summary>
    public sealed partial class SpecCompilation
    {
        /// <summary>Loads every *.ism file under each path (a file or a folder, searched recursively).</summary>
        public static SpecCompilation Load(params string[] paths)
        {
            var files = new List<SourceFile>();
            foreach (var path in paths)
            {
                if (Directory.Exists(path))
                {
                    foreach (var f in Directory.GetFiles(path, "*.ism", SearchOption.AllDirectories).OrderBy(p => p, System.StringComparer.Ordinal))
                        files.Add(new SourceFile(f, File.ReadAllText(f)));
                }
                else if (File.Exists(path))
                {
                    files.Add(new SourceFile(path, File.ReadAllText(path)));
                }
                else
                {
                    throw new FileNotFoundException($"no spec file or folder at '{path}'", path);
                }
            }
            return Create(files);
        }

    }
}
