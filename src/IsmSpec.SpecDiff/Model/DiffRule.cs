namespace IsmSpec.SpecDiff.Model;

/// <summary>A diff rule: stable ID, fixed class and what it detects (the README table is generated from the same words).</summary>
public sealed record DiffRule(string Id, DiffClass Class, string Meaning);
