namespace IsmSpec.Generator.Pipeline
{
    /// <summary>Step names, so tests can check what was cached and what re-ran.</summary>
    public static class TrackingNames
    {
        public const string Files = "IsmSpec.Files";
        public const string SpecInputs = "IsmSpec.SpecInputs";
        public const string Generate = "IsmSpec.Generate";
    }
}
