namespace IsmSpec.SpecDiff.Model;

/// <summary>The rule catalog. IDs are stable forever: never renumber or reuse one.</summary>
public static class DiffRules
{
    public static readonly DiffRule SpecAdded = new("SPEC-ADDED", DiffClass.Compatible, "a spec present only in NEW");
    public static readonly DiffRule SpecRemoved = new("SPEC-REMOVED", DiffClass.WireBreaking, "a spec present only in OLD");
    public static readonly DiffRule TypeAdded = new("TYPE-ADDED", DiffClass.Compatible, "a new enum, flag set, bitfield, struct or union");
    public static readonly DiffRule TypeRemoved = new("TYPE-REMOVED", DiffClass.WireBreaking, "a type of OLD is gone from NEW");
    public static readonly DiffRule TypeRenamed = new("TYPE-RENAMED", DiffClass.SourceBreaking, "a type reappears under a new name with an identical structure");
    public static readonly DiffRule TypeKindChanged = new("TYPE-KIND-CHANGED", DiffClass.WireBreaking, "a type changed kind (enum, flags, bitfield, struct, union)");
    public static readonly DiffRule StructSizeChanged = new("STRUCT-SIZE-CHANGED", DiffClass.WireBreaking, "a struct's or union's fixed size changed");
    public static readonly DiffRule UnderlyingTypeChanged = new("UNDERLYING-TYPE-CHANGED", DiffClass.WireBreaking, "an enum, flag set or bitfield changed its integer width");
    public static readonly DiffRule ByteOrderChanged = new("BYTE-ORDER-CHANGED", DiffClass.WireBreaking, "a field, enum, flag set or bitfield changed byte order at the same width");
    public static readonly DiffRule FieldAdded = new("FIELD-ADDED", DiffClass.WireBreaking, "a field was added to a packed struct (outside reserved space)");
    public static readonly DiffRule FieldRemoved = new("FIELD-REMOVED", DiffClass.WireBreaking, "a field was removed");
    public static readonly DiffRule FieldRenamed = new("FIELD-RENAMED", DiffClass.SourceBreaking, "a field at the same offset and type has a new name that means nothing else in the spec");
    public static readonly DiffRule FieldMeaningChanged = new("FIELD-MEANING-CHANGED", DiffClass.WireBreaking, "a field at the same offset and type now has a name that already means something else (offset -> token): same bytes, new meaning");
    public static readonly DiffRule FieldRetyped = new("FIELD-RETYPED", DiffClass.WireBreaking, "a field's type changed its wire representation");
    public static readonly DiffRule FieldRetypedSameWire = new("FIELD-RETYPED-SAME-WIRE", DiffClass.SourceBreaking, "a field's type changed name but not its wire representation (le64 -> a flag set over le64)");
    public static readonly DiffRule FieldMoved = new("FIELD-MOVED", DiffClass.WireBreaking, "a field's offset changed (fields reordered, or an earlier field changed size)");
    public static readonly DiffRule ArrayLengthChanged = new("ARRAY-LENGTH-CHANGED", DiffClass.WireBreaking, "a fixed array's length changed (or a scalar became an array)");
    public static readonly DiffRule TailAdded = new("TAIL-ADDED", DiffClass.WireBreaking, "a variable-length tail was added");
    public static readonly DiffRule TailRemoved = new("TAIL-REMOVED", DiffClass.WireBreaking, "a variable-length tail was removed");
    public static readonly DiffRule TailChanged = new("TAIL-CHANGED", DiffClass.WireBreaking, "a variable-length tail changed its count field or element type");
    public static readonly DiffRule ReservedFieldUsed = new("RESERVED-FIELD-USED", DiffClass.Compatible, "a new field lies inside what was a reserved must-be-zero field");
    public static readonly DiffRule ReservedFieldReused = new("RESERVED-FIELD-REUSED", DiffClass.WireBreaking, "a new field overlaps reserved bytes but also bytes that meant something else");
    public static readonly DiffRule FieldReserved = new("FIELD-RESERVED", DiffClass.WireBreaking, "a field with a meaning became reserved (must be zero)");
    public static readonly DiffRule UnionViewAdded = new("UNION-VIEW-ADDED", DiffClass.Compatible, "a union gained a view");
    public static readonly DiffRule UnionViewRemoved = new("UNION-VIEW-REMOVED", DiffClass.WireBreaking, "a union lost a view");
    public static readonly DiffRule EnumMemberAdded = new("ENUM-MEMBER-ADDED", DiffClass.Compatible, "an enum or flag set gained a member");
    public static readonly DiffRule EnumMemberRemoved = new("ENUM-MEMBER-REMOVED", DiffClass.WireBreaking, "an enum or flag set lost a member");
    public static readonly DiffRule EnumValueChanged = new("ENUM-VALUE-CHANGED", DiffClass.WireBreaking, "an enum or flag member kept its name but changed value");
    public static readonly DiffRule EnumMemberMeaningChanged = new("ENUM-MEMBER-MEANING-CHANGED", DiffClass.WireBreaking, "a value kept but its meaning changed: same value, unrelated new name (DENY_OTHER -> CLEAN_DEFAULT)");
    public static readonly DiffRule EnumMemberRenamed = new("ENUM-MEMBER-RENAMED", DiffClass.SourceBreaking, "same value, a name that differs only in spelling or prefix (VIRTIO_NET_ERR -> ERR)");
    public static readonly DiffRule BitMemberAdded = new("BIT-MEMBER-ADDED", DiffClass.Compatible, "a bitfield gained a member in previously unused bits");
    public static readonly DiffRule BitMemberRemoved = new("BIT-MEMBER-REMOVED", DiffClass.WireBreaking, "a bitfield lost a member");
    public static readonly DiffRule BitMemberRenamed = new("BIT-MEMBER-RENAMED", DiffClass.SourceBreaking, "a bitfield member at the same bits has a new name");
    public static readonly DiffRule BitPositionChanged = new("BIT-POSITION-CHANGED", DiffClass.WireBreaking, "a bitfield member starts at a different bit");
    public static readonly DiffRule BitWidthChanged = new("BIT-WIDTH-CHANGED", DiffClass.WireBreaking, "a bitfield member changed width");
    public static readonly DiffRule ReservedBitsUsed = new("RESERVED-BITS-USED", DiffClass.Compatible, "a new bitfield member lies inside what was a reserved bit range");
    public static readonly DiffRule ConstAdded = new("CONST-ADDED", DiffClass.Compatible, "a constant was added");
    public static readonly DiffRule ConstRemoved = new("CONST-REMOVED", DiffClass.SourceBreaking, "a constant was removed");
    public static readonly DiffRule ConstValueChanged = new("CONST-VALUE-CHANGED", DiffClass.WireBreaking, "a constant changed value");
    public static readonly DiffRule FeatureAdded = new("FEATURE-ADDED", DiffClass.Compatible, "a feature bit was added (negotiated, so old peers never see it)");
    public static readonly DiffRule FeatureRemoved = new("FEATURE-REMOVED", DiffClass.WireBreaking, "a feature bit was removed");
    public static readonly DiffRule FeatureRenumbered = new("FEATURE-RENUMBERED", DiffClass.WireBreaking, "a feature bit kept its name but moved to another bit number");
    public static readonly DiffRule FeatureRenamed = new("FEATURE-RENAMED", DiffClass.SourceBreaking, "a feature bit number kept under a related name");
    public static readonly DiffRule FeatureMeaningChanged = new("FEATURE-MEANING-CHANGED", DiffClass.WireBreaking, "a feature bit number now carries an unrelated feature");
    public static readonly DiffRule DeviceIdAdded = new("DEVICE-ID-ADDED", DiffClass.Compatible, "a device id was added");
    public static readonly DiffRule DeviceIdRemoved = new("DEVICE-ID-REMOVED", DiffClass.WireBreaking, "a device id was removed");
    public static readonly DiffRule DeviceIdChanged = new("DEVICE-ID-CHANGED", DiffClass.WireBreaking, "the device id changed: old drivers do not bind to the new device");
    public static readonly DiffRule CommandsetAdded = new("COMMANDSET-ADDED", DiffClass.Compatible, "a command set was added");
    public static readonly DiffRule CommandsetRemoved = new("COMMANDSET-REMOVED", DiffClass.WireBreaking, "a command set was removed");
    public static readonly DiffRule CommandsetFramingChanged = new("COMMANDSET-FRAMING-CHANGED", DiffClass.WireBreaking, "a command set changed framing (virtio_ctrl <-> ism_block)");
    public static readonly DiffRule CommandAdded = new("COMMAND-ADDED", DiffClass.Compatible, "a command was added (old devices answer it with the error ack)");
    public static readonly DiffRule CommandRemoved = new("COMMAND-REMOVED", DiffClass.WireBreaking, "a command was removed");
    public static readonly DiffRule CommandRenamed = new("COMMAND-RENAMED", DiffClass.SourceBreaking, "a command kept its class/code under a new name");
    public static readonly DiffRule CommandCodeChanged = new("COMMAND-CODE-CHANGED", DiffClass.WireBreaking, "a command kept its name but changed class or code");
    public static readonly DiffRule CommandRequestChanged = new("COMMAND-REQUEST-CHANGED", DiffClass.WireBreaking, "a command's request layout changed on the wire");
    public static readonly DiffRule CommandReplyChanged = new("COMMAND-REPLY-CHANGED", DiffClass.WireBreaking, "a command's reply layout changed on the wire");
    public static readonly DiffRule AckSetChanged = new("ACK-SET-CHANGED", DiffClass.WireBreaking, "the ack / return-code value set of a command set changed, or which member means ok or error");
    public static readonly DiffRule OpsAdded = new("OPS-ADDED", DiffClass.Compatible, "an operation table was added");
    public static readonly DiffRule OpsRemoved = new("OPS-REMOVED", DiffClass.SourceBreaking, "an operation table was removed");
    public static readonly DiffRule OpsGroupAdded = new("OPS-GROUP-ADDED", DiffClass.Compatible, "an ops table gained an optional group (a new interface nobody must implement)");
    public static readonly DiffRule OpAdded = new("OP-ADDED", DiffClass.SourceBreaking, "an operation was added to an existing interface: implementers must add it");
    public static readonly DiffRule OpRemoved = new("OP-REMOVED", DiffClass.SourceBreaking, "an operation was removed");
    public static readonly DiffRule OpSignatureChanged = new("OP-SIGNATURE-CHANGED", DiffClass.SourceBreaking, "an operation's return type, parameter types, out-ness or arity changed");
    public static readonly DiffRule OpGroupChanged = new("OP-GROUP-CHANGED", DiffClass.SourceBreaking, "an operation moved between the mandatory and an optional group");
    public static readonly DiffRule ReqAdded = new("REQ-ADDED", DiffClass.Normative, "a requirement was added");
    public static readonly DiffRule ReqRemoved = new("REQ-REMOVED", DiffClass.Normative, "a requirement was removed (IDs should be retired, not deleted)");
    public static readonly DiffRule ReqLevelChanged = new("REQ-LEVEL-CHANGED", DiffClass.Normative, "a requirement's level changed (MUST <-> SHOULD <-> MAY)");
    public static readonly DiffRule ReqRoleChanged = new("REQ-ROLE-CHANGED", DiffClass.Normative, "a requirement now binds another role (device, driver, client, layer)");
    public static readonly DiffRule ReqSummaryChanged = new("REQ-SUMMARY-CHANGED", DiffClass.Normative, "a requirement's summary changed");
    public static readonly DiffRule ReqSectionChanged = new("REQ-SECTION-CHANGED", DiffClass.Normative, "a requirement cites another section");
    public static readonly DiffRule ReqFeatureChanged = new("REQ-FEATURE-CHANGED", DiffClass.Normative, "a requirement now depends on another feature bit (or none)");

    public static readonly IReadOnlyList<DiffRule> All =
    [
        SpecAdded, SpecRemoved, TypeAdded, TypeRemoved,
        TypeRenamed, TypeKindChanged, StructSizeChanged, UnderlyingTypeChanged,
        ByteOrderChanged, FieldAdded, FieldRemoved, FieldRenamed,
        FieldMeaningChanged, FieldRetyped, FieldRetypedSameWire, FieldMoved,
        ArrayLengthChanged, TailAdded, TailRemoved, TailChanged,
        ReservedFieldUsed, ReservedFieldReused, FieldReserved, UnionViewAdded,
        UnionViewRemoved, EnumMemberAdded, EnumMemberRemoved, EnumValueChanged,
        EnumMemberMeaningChanged, EnumMemberRenamed, BitMemberAdded, BitMemberRemoved,
        BitMemberRenamed, BitPositionChanged, BitWidthChanged, ReservedBitsUsed,
        ConstAdded, ConstRemoved, ConstValueChanged, FeatureAdded,
        FeatureRemoved, FeatureRenumbered, FeatureRenamed, FeatureMeaningChanged,
        DeviceIdAdded, DeviceIdRemoved, DeviceIdChanged, CommandsetAdded,
        CommandsetRemoved, CommandsetFramingChanged, CommandAdded, CommandRemoved,
        CommandRenamed, CommandCodeChanged, CommandRequestChanged, CommandReplyChanged,
        AckSetChanged, OpsAdded, OpsRemoved, OpsGroupAdded,
        OpAdded, OpRemoved, OpSignatureChanged, OpGroupChanged,
        ReqAdded, ReqRemoved, ReqLevelChanged, ReqRoleChanged,
        ReqSummaryChanged, ReqSectionChanged, ReqFeatureChanged,
    ];

    public static DiffRule? Find(string id) => All.FirstOrDefault(r => r.Id == id);
}
