using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Tex;

/// <summary>A C field turned into .ism terms: <see cref="Type"/> is an .ism type name, <see cref="Count"/> an array length or tail count.</summary>
public sealed record CField(string Type, string Name, string? Count, bool IsTail, bool IsReserved, int Line);

public sealed class CStruct(string name, int line)
{
    public string Name { get; } = name;
    public int Line { get; } = line;
    public List<CField> Fields { get; } = [];
}

public enum CDefineKind { Const, Feature, DeviceId }

/// <summary>A <c>#define</c> or enum member with a constant value.</summary>
public sealed record CDefine(string Name, ulong Value, string Source, int Line, CDefineKind Kind);

/// <summary>Everything the listings of one .tex file declare.</summary>
public sealed class CDeclarations
{
    public List<CStruct> Structs { get; } = [];
    public List<CDefine> Defines { get; } = [];

    public bool IsNameTaken(string name) =>
        Defines.Any(d => d.Name == name) || Structs.Any(s => s.Name == name) || CTypeMap.IsIsmPrimitive(name);

    /// <summary>Type names must also differ once turned into C# names (<c>a_b</c> and <c>A_B</c> clash).</summary>
    public bool IsTypeNameTaken(string name) =>
        IsNameTaken(name) || Structs.Any(s => Naming.ToPascal(s.Name) == Naming.ToPascal(name));
}

public enum CTokenKind { Identifier, Number, Punctuation }

public readonly record struct CToken(CTokenKind Kind, string Text, int Line);
