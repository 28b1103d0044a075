using System.Collections.Generic;

namespace IsmSpec.Generator.Emit
{
    /// <summary>C# member names for spec fields that would clash with generated members.</summary>
    internal static class MemberNames
    {
        private static readonly HashSet<string> Generated = new HashSet<string>
        {
            "Size", "WireSize", "SpecTypeName", "TryRead", "TryWrite", "View", "ReadOnlyView", "Validate",
            "Equals", "GetHashCode", "ToString", "GetType", "Value", "FromValue", "ReservedMask", "MessageLength", "TryReadMessage",
        };

        /// <summary>The property name for a field: its PascalCase name, suffixed "Field" when it clashes.</summary>
        public static string For(string pascal, string owner) =>
            Generated.Contains(pascal) || pascal == owner ? pascal + "Field" : pascal;

        public static string Storage(string specName) => "_" + IsmSpec.SpecLanguage.Model.Naming.ToCamel(specName).TrimStart('@');
    }
}
