using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.S390Ism;

/// <summary>
/// The device return codes of ISM-DEV-RET-CODES, as spec/s390-ism/device-decisions.ism lists them (the kernel
/// defines only 0 and 0xFFFF, research §4.6, rule 47). Kept here rather than taken from the reference device,
/// so the suite checks the device against the spec and not against itself.
/// </summary>
internal static class IsmCodes
{
    public const ushort Success = 0x0000;
    public const ushort Malformed = 0x0001;
    public const ushort BadState = 0x0002;
    public const ushort BadAddress = 0x0003;
    public const ushort BadLength = 0x0004;
    public const ushort BadIndex = 0x0005;
    public const ushort IndexInUse = 0x0006;
    public const ushort TableFull = 0x0007;
    public const ushort UnknownToken = 0x0008;
    public const ushort UnknownGid = 0x0009;
    public const ushort NotReady = 0x000A;
    public const ushort AccessDenied = 0x000B;
    public const ushort OutOfBounds = 0x000C;
    public const ushort CrossesBoundary = 0x000D;
    public const ushort BadVlan = 0x000E;
    public const ushort VlanTableFull = 0x000F;
    public const ushort VlanUnknown = 0x0010;
    public const ushort IsmError = (ushort)IsmRet.IsmError;

    /// <summary>Every documented failure code.</summary>
    public static bool IsDocumentedFailure(ushort code) => code is >= Malformed and <= VlanUnknown or IsmError;

    public static string Name(ushort code) => code switch
    {
        Success => "SUCCESS", Malformed => "MALFORMED", BadState => "BAD_STATE", BadAddress => "BAD_ADDRESS",
        BadLength => "BAD_LENGTH", BadIndex => "BAD_INDEX", IndexInUse => "INDEX_IN_USE", TableFull => "TABLE_FULL",
        UnknownToken => "UNKNOWN_TOKEN", UnknownGid => "UNKNOWN_GID", NotReady => "NOT_READY", AccessDenied => "ACCESS_DENIED",
        OutOfBounds => "OUT_OF_BOUNDS", CrossesBoundary => "CROSSES_BOUNDARY", BadVlan => "BAD_VLAN",
        VlanTableFull => "VLAN_TABLE_FULL", VlanUnknown => "VLAN_UNKNOWN", IsmError => "ISM_ERROR",
        _ => $"0x{code:X4}",
    };

    /// <summary>The known command codes (research §4.3); every other value is an unknown command.</summary>
    public static readonly IReadOnlySet<uint> Commands = IsmCommands.Commands.Select(c => c.Code).ToHashSet();
}
