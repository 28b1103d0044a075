using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs.Tests.Support;
using IsmSpec.Specs.S390Ism;
using IsmSpec.Specs.Smc;
using IsmSpec.Specs.Virtio;

namespace IsmSpec.Codecs.Tests;

/// <summary>Bitfield member setters: range checks, and a set touches only the member's own bits.</summary>
public class BitfieldSetterTests
{
    /// <summary>One member of a generated bitfield, found by its Shift/Width constants.</summary>
    public sealed record Member(Type Bitfield, string Name, int Shift, int Width)
    {
        public PropertyInfo Property => Bitfield.GetProperty(Name)!;
        public ulong Mask => (Width == 64 ? ulong.MaxValue : (1UL << Width) - 1) << Shift;
        public override string ToString() => $"{Bitfield.Name}.{Name}";
    }

    private static IEnumerable<Member> AllMembers() =>
        from item in WireTypeCatalog.All
        let type = item.Type
        where type.GetField("ReservedMask") is not null && type.GetMethod("FromValue") is not null
        from field in type.GetFields(BindingFlags.Public | BindingFlags.Static)
        where field.IsLiteral && field.Name.EndsWith("Shift", StringComparison.Ordinal)
        let name = field.Name[..^"Shift".Length]
        select new Member(type, name, (int)field.GetValue(null)!, (int)type.GetField(name + "Width")!.GetValue(null)!);

    private static object Box(Type bitfield, ulong raw)
    {
        var valueType = bitfield.GetProperty("Value")!.PropertyType;
        return bitfield.GetMethod("FromValue")!.Invoke(null, new[] { Convert.ChangeType(raw & AllOnes(valueType), valueType) })!;
    }

    private static ulong AllOnes(Type integer) => integer == typeof(ulong) ? ulong.MaxValue : (1UL << (8 * System.Runtime.InteropServices.Marshal.SizeOf(integer))) - 1;
    private static ulong RawOf(object boxed) => Convert.ToUInt64(boxed.GetType().GetProperty("Value")!.GetValue(boxed));
    private static object MemberValue(Member m, ulong bits) =>
        m.Property.PropertyType == typeof(bool) ? bits != 0 : Convert.ChangeType(bits, m.Property.PropertyType);

    [Fact]
    public void The_shipped_bitfields_have_the_expected_members()
    {
        var names = AllMembers().Select(m => m.ToString()).ToHashSet();
        Assert.Subset(names, new HashSet<string> { "IsmDmbReq.Offset", "IsmDmbReq.Sf", "IsmDmbReq.Idx", "IsmDmbReq.Token", "IsmSbaStatus.S", "IsmSbaStatus.Rsvd", "VirtqDescFlags.Indirect", "SmcdProdFlags.FailoverValidation", "SmcdConnStateFlags.PeerConnClosed" });
    }

    [Fact]
    public void A_value_wider_than_the_member_throws_and_leaves_the_value_unchanged()
    {
        IsmDmbReq word = IsmDmbReq.FromValue(0x1234);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => word.Offset = 0x800000);
        Assert.Equal("offset", e.ParamName);
        Assert.Equal(0x1234UL, word.Value);
        word.Offset = 0x7FFFFF;

        VirtqDescFlags flags = default;
        Assert.Equal("rsvd", Assert.Throws<ArgumentOutOfRangeException>(() => flags.Rsvd = 0x2000).ParamName);
        IsmSbaStatus status = default;
        Assert.Throws<ArgumentOutOfRangeException>(() => status.Rsvd = 0x40000000);
        SmcdProdFlags prod = default;
        Assert.Throws<ArgumentOutOfRangeException>(() => prod.Rsvd = 8);
        SmcdConnStateFlags state = default;
        Assert.Throws<ArgumentOutOfRangeException>(() => state.Rsvd = 0x20);
        Assert.Equal((0, 0, 0, 0), (flags.Value, (int)status.Value, prod.Value, state.Value));
    }

    [Fact]
    public void Every_member_narrower_than_its_type_rejects_one_past_its_maximum()
    {
        foreach (var member in AllMembers().Where(m => m.Property.PropertyType != typeof(bool)))
        {
            int typeBits = 8 * System.Runtime.InteropServices.Marshal.SizeOf(member.Property.PropertyType);
            var boxed = Box(member.Bitfield, 0);
            member.Property.SetValue(boxed, MemberValue(member, (member.Mask >> member.Shift)));
            Assert.Equal(member.Mask, RawOf(boxed));
            if (member.Width >= typeBits) continue;
            var e = Assert.Throws<TargetInvocationException>(() => member.Property.SetValue(boxed, MemberValue(member, 1UL << member.Width)));
            Assert.IsType<ArgumentOutOfRangeException>(e.InnerException);
            Assert.Equal(member.Mask, RawOf(boxed));
        }
    }

    [Fact]
    public void Setting_one_member_leaves_every_other_bit_unchanged()
    {
        var members = AllMembers().ToArray();
        var word = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 8).Select(b => BitConverter.ToUInt64(b));
        var cases = Gen.Zip(Gen.Elements(members), Gen.Zip(word, word));
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (member, (raw, candidate)) = c;
            ulong bits = (candidate << member.Shift & member.Mask) >> member.Shift;
            var boxed = Box(member.Bitfield, raw);
            ulong before = RawOf(boxed);
            member.Property.SetValue(boxed, MemberValue(member, bits));
            ulong after = RawOf(boxed);
            Assert.Equal(before & ~member.Mask, after & ~member.Mask);
            Assert.Equal(bits, (after & member.Mask) >> member.Shift);
            Assert.Equal(MemberValue(member, bits), member.Property.GetValue(boxed));
            return true;
        });
        PropertyRunner.Check(property, 2000, "bitfield member isolation");
    }

    [Fact]
    public void Typed_setters_on_the_move_data_word_keep_the_other_members()
    {
        IsmDmbReq word = IsmDmbReq.FromValue(ulong.MaxValue);
        word.Sf = false;
        Assert.Equal(ulong.MaxValue & ~(1UL << 23), word.Value);
        word.Idx = 0;
        Assert.Equal((0x7FFFFFu, false, (byte)0, 0xFFFFFFFFu), (word.Offset, word.Sf, word.Idx, word.Token));
        word.Token = 0;
        Assert.Equal(0x7FFFFFUL, word.Value);
    }
}
