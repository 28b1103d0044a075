using System.Text;

namespace IsmSpec.SpecLanguage.Model
{
    /// <summary>Spec names to C# names: snake_case, SCREAMING_CASE and kebab-case become PascalCase.</summary>
    public static class Naming
    {
        public static string ToPascal(string name)
        {
            var sb = new StringBuilder(name.Length);
            bool upperNext = true;
            bool allUpper = IsAllUpper(name);
            foreach (char c in name)
            {
                if (c == '_' || c == '-' || c == '.') { upperNext = true; continue; }
                if (upperNext) { sb.Append(char.ToUpperInvariant(c)); upperNext = false; }
                else sb.Append(allUpper ? char.ToLowerInvariant(c) : c);
                if (char.IsDigit(c)) upperNext = true;
            }
            if (sb.Length == 0 || char.IsDigit(sb[0])) sb.Insert(0, '_');
            return sb.ToString();
        }

        /// <summary>camelCase, for parameters.</summary>
        public static string ToCamel(string name)
        {
            var pascal = ToPascal(name);
            var camel = char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
            return IsCSharpKeyword(camel) ? "@" + camel : camel;
        }

        private static bool IsAllUpper(string s)
        {
            foreach (char c in s) if (char.IsLower(c)) return false;
            return true;
        }

        public static bool IsCSharpKeyword(string s)
        {
            switch (s)
            {
                case "event": case "object": case "string": case "base": case "class": case "operator": case "params":
                case "ref": case "out": case "in": case "int": case "long": case "short": case "byte": case "checked":
                case "fixed": case "lock": case "namespace": case "new": case "null": case "return": case "this":
                case "default": case "delegate": case "do": case "else": case "enum": case "struct": case "switch":
                case "char": case "bool": case "case": case "const": case "continue": case "decimal": case "double":
                case "explicit": case "extern": case "false": case "true": case "finally": case "float": case "for":
                case "foreach": case "goto": case "if": case "implicit": case "interface": case "internal": case "is":
                case "private": case "protected": case "public": case "readonly": case "sbyte": case "sealed":
                case "sizeof": case "stackalloc": case "static": case "throw": case "try": case "typeof": case "uint":
                case "ulong": case "unchecked": case "unsafe": case "ushort": case "using": case "virtual": case "void":
                case "volatile": case "while": case "abstract": case "as": case "break": case "catch":
                    return true;
                default:
                    return false;
            }
        }
    }
}
