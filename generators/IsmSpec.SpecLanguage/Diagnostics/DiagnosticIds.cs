namespace IsmSpec.SpecLanguage.Diagnostics
{
    /// <summary>Stable diagnostic IDs; the table in spec/README.md documents each one.</summary>
    public static class DiagnosticIds
    {
        public const string Syntax = "ISM0001";
        public const string UnknownType = "ISM0002";
        public const string DuplicateName = "ISM0003";
        public const string DuplicateRequirementId = "ISM0004";
        public const string ValueOutOfRange = "ISM0005";
        public const string LayoutMismatch = "ISM0006";
        public const string BitfieldOverflow = "ISM0007";
        public const string BadCount = "ISM0008";
        public const string UnknownCommandType = "ISM0009";
        public const string EmptySummary = "ISM0010";
        public const string MissingHeader = "ISM0011";
        public const string HostOrderOutsideHostStruct = "ISM0012";
        public const string TailNotLast = "ISM0013";
        public const string Misaligned = "ISM0014";
        public const string DuplicateCommand = "ISM0015";
        public const string UnknownConstant = "ISM0016";
        public const string HyphenatedName = "ISM0017";
        public const string NamespaceConflict = "ISM0018";

        /// <summary>Title of each ID, used by the generator's descriptors and the CLI.</summary>
        public static string Title(string id) => id switch
        {
            Syntax => "Syntax error in spec file",
            UnknownType => "Unknown type",
            DuplicateName => "Duplicate name",
            DuplicateRequirementId => "Duplicate requirement ID",
            ValueOutOfRange => "Value out of range for its type",
            LayoutMismatch => "Declared layout disagrees with the computed one",
            BitfieldOverflow => "Bitfield member outside its integer or overlapping",
            BadCount => "Bad array or tail count",
            UnknownCommandType => "Command refers to an unknown or unsuitable type",
            EmptySummary => "Empty requirement summary",
            MissingHeader => "Missing or malformed spec header",
            HostOrderOutsideHostStruct => "Host-order type outside a hostorder struct",
            TailNotLast => "Variable-length tail is not the last field",
            Misaligned => "Field offset violates its alignment",
            DuplicateCommand => "Duplicate command code or bad ack member",
            UnknownConstant => "Unknown constant",
            HyphenatedName => "Hyphenated name where an identifier is required",
            NamespaceConflict => "Conflicting namespaces for one spec",
            _ => "Spec diagnostic",
        };
    }
}
