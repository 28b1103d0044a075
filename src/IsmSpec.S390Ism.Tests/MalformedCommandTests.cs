using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;

namespace IsmSpec.S390Ism.Tests;

/// <summary>
/// Rule 47 (ISM-RET-CODES), ISM-DEV-RET-CODES, ISM-DEV-MALFORMED: unknown or malformed blocks get an error
/// code in a header-only response; nothing throws and nothing in host memory changes.
/// </summary>
public class MalformedCommandTests
{
    private static readonly HashSet<ushort> DocumentedCodes = typeof(IsmDeviceCodes).GetFields()
        .Select(f => (ushort)(IsmRet)f.GetValue(null)!).ToHashSet();

    private static void WriteHeader(Span<byte> area, uint cmd, ushort res, ushort len)
    {
        var hdr = new IsmReqHdr { Cmd = cmd, Res = res, Len = len };
        hdr.TryWrite(area);
    }

    [Theory]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmRetCodes)]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevRetCodes)]
    [InlineData(0x0u, 8)]
    [InlineData(0xCu, 8)]
    [InlineData(0xDu, 16)]
    [InlineData(0xFu, 16)]
    [InlineData(0x10u, 8)]
    [InlineData(0x13u, 8)]
    [InlineData(0xFFFF_FFFFu, 8)]
    public void Unknown_command_codes_answer_ism_error(uint cmd, ushort len)
    {
        var bed = new IsmBed();
        WriteHeader(Drv.Zeroed(bed.A), cmd, 0, len);
        Assert.Equal(DispatchStatus.UnknownCommand, bed.A.ExecuteCommand());
        var rsp = IsmRespHdr.ReadOnlyView(bed.A.CommandArea);
        Assert.Equal(cmd, rsp.Cmd);
        Assert.Equal(0xFFFF, rsp.Ret);
        Assert.Equal(8, rsp.Len);
    }

    [Theory]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevRetCodes)]
    [InlineData(0xAu, 0)]
    [InlineData(0xAu, 8)]
    [InlineData(0xAu, 64)]
    [InlineData(0x1u, 24)]
    [InlineData(0x3u, 16)]
    [InlineData(0x8u, 200)]
    [InlineData(0x11u, 16)]
    public void A_len_other_than_the_request_size_answers_ism_error_and_does_nothing(uint cmd, ushort len)
    {
        var bed = new IsmBed();
        var before = IsmBed.Snapshot(bed.A);
        var area = Drv.Zeroed(bed.A);
        WriteHeader(area, cmd, 0, len);
        BinaryPrimitives.WriteUInt64BigEndian(area[8..], bed.A.HostMemory.Allocate(4096));
        Assert.Equal(DispatchStatus.BadLength, bed.A.ExecuteCommand());
        Assert.Equal(0xFFFF, IsmRespHdr.ReadOnlyView(bed.A.CommandArea).Ret);
        Assert.Equal(before, IsmBed.Snapshot(bed.A));
        Assert.Equal(0, bed.A.DmbCount);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevMalformed)]
    public void A_nonzero_reserved_header_field_is_refused_for_every_command()
    {
        var bed = new IsmBed();
        foreach (var command in IsmCommands.Commands)
        {
            var area = Drv.Zeroed(bed.B);
            WriteHeader(area, command.Code, res: 0x0001, (ushort)command.RequestSize);
            Assert.Equal(DispatchStatus.Handled, bed.B.ExecuteCommand());
            Assert.Equal((ushort)IsmDeviceCodes.Malformed, IsmRespHdr.ReadOnlyView(bed.B.CommandArea).Ret);
            Assert.Equal(8, IsmRespHdr.ReadOnlyView(bed.B.CommandArea).Len);
        }
        Assert.Equal(bed.SbaB, bed.B.SbaAddress);   // UNREG_SBA with a bad header did not unregister
        Assert.Equal(bed.IeqB, bed.B.IeqAddress);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmRetCodes)]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevRetCodes)]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevMalformed)]
    public void Random_blocks_never_throw_and_answer_with_a_documented_code()
    {
        var bed = new IsmBed();
        var gen =
            from cmd in Gen.Elements(IsmCommands.Commands.Select(c => c.Code).Concat([0u, 0xCu, 0x10u, 0x99u]).ToArray())
            from lenChoice in Gen.Choose(0, 3)
            from body in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 248)
            from res in Gen.Elements((ushort)0, (ushort)0, (ushort)1)
            select (cmd, lenChoice, body, res);
        var prop = Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (cmd, lenChoice, body, res) = t;
            int known = Array.FindIndex(IsmCommands.Commands, c => c.Code == cmd);
            ushort len = lenChoice == 0 || known < 0 ? (ushort)(lenChoice * 8) : (ushort)IsmCommands.Commands[known].RequestSize;
            var area = Drv.Zeroed(bed.A);
            body.CopyTo(area[8..]);
            WriteHeader(area, cmd, res, len);
            bed.A.ExecuteCommand();
            var rsp = IsmRespHdr.ReadOnlyView(bed.A.CommandArea);
            bool ok = rsp.Cmd == cmd && DocumentedCodes.Contains(rsp.Ret)
                && (rsp.Ret == 0 ? rsp.Len == IsmCommands.Commands[known].ReplySize : rsp.Len == 8);
            // Keep the bed usable: undo whatever a random but valid block did.
            Drv.UnregSba(bed.A); Drv.UnregIeq(bed.A);
            Drv.RegSba(bed.A, bed.SbaA); Drv.RegIeq(bed.A, bed.IeqA);
            return ok;
        });
        PropertyRunner.Check(prop, 300, "random command blocks");
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevRetCodes)]
    public void Codes_are_distinct_and_non_zero_except_success()
    {
        var codes = typeof(IsmDeviceCodes).GetFields().Select(f => (ushort)(IsmRet)f.GetValue(null)!).ToArray();
        Assert.Equal(codes.Length, codes.Distinct().Count());
        Assert.Equal(1, codes.Count(c => c == 0));   // only Success
        Assert.Contains((ushort)0xFFFF, codes);
    }
}
