using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs.Tests.Support;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Codecs.Tests;

/// <summary>
/// The generated s390 ISM command-block dispatcher (research/kernel-dibs-ism.md §4.2: request header {cmd, res,
/// len = request size}; response header {cmd, ret, len}; ret 0 = success, 0xFFFF = ISM_ERROR).
/// </summary>
public class IsmDispatchTests
{
    public static TheoryData<string> CommandNames => new(IsmCommands.Commands.Select(c => c.Name));

    private static CommandDescriptor Command(string name) => IsmCommands.Commands.Single(c => c.Name == name);

    /// <summary>A request block: header {code, 0, len} then a byte pattern, padded to blockLength.</summary>
    private static byte[] Block(uint code, int len, int blockLength)
    {
        var block = new byte[blockLength];
        for (int i = 8; i < Math.Min(len, blockLength); i++) block[i] = (byte)(i * 3);
        if (blockLength >= 4) BinaryPrimitives.WriteUInt32BigEndian(block, code);
        if (blockLength >= 8) BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(6), (ushort)len);
        return block;
    }

    private static byte[] Block(CommandDescriptor command) => Block(command.Code, command.RequestSize, command.RequestSize);

    private static (int Written, DispatchStatus Status, byte[] Response, IsmHandler Handler) Run(byte[] request, int responseLength = 256, IsmRet code = IsmRet.Success)
    {
        var handler = new IsmHandler { Code = code };
        var response = new byte[responseLength];
        response.AsSpan().Fill(0xCC);
        int written = IsmCommands.Dispatch(ref handler, request, response, out var status);
        return (written, status, response, handler);
    }

    private static void AssertHeader(byte[] response, uint cmd, ushort ret, ushort len)
    {
        Assert.True(IsmRespHdr.TryRead(response, out var header));
        Assert.Equal((cmd, ret, len), (header.Cmd, header.Ret, header.Len));
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Each_command_reaches_its_handler_and_gets_cmd_ret_0_and_the_response_length(string name)
    {
        var command = Command(name);
        var request = Block(command);
        var (written, status, response, handler) = Run(request);

        Assert.Equal(DispatchStatus.Handled, status);
        Assert.Equal((1, name), (handler.Record.Calls, handler.Record.Last));
        Assert.Equal(request, handler.Record.SeenBytes());
        Assert.Equal(command.ReplySize, written);
        AssertHeader(response, command.Code, 0, (ushort)command.ReplySize);
        var body = new byte[command.ReplySize - 8];
        CallRecord.FillPattern(body);
        Assert.Equal(body, response[8..written]);
        Assert.All(response[written..], b => Assert.Equal(0xCC, b));
    }

    [Fact]
    public void A_request_built_by_the_driver_side_builder_dispatches_and_its_response_reads_back()
    {
        var block = new byte[IsmRegDmb.Size];
        Assert.True(IsmCommands.TryWriteRegDmb(block, new IsmRegDmbRequest { Dmb = 0x1000, DmbLen = 0x4000, SbaIdx = 33, Rgid = 7 }, out _));
        var (written, _, response, handler) = Run(block);
        var seen = Bytes.Read<IsmRegDmbRequest>(handler.Record.SeenBytes());
        Assert.Equal((0x1000UL, 0x4000u, 33u, 7UL), (seen.Dmb, seen.DmbLen, seen.SbaIdx, seen.Rgid));
        Assert.True(IsmCommands.TryReadRegDmbResponse(response.AsSpan(0, written), out var code, out var value));
        Assert.Equal((IsmRet.Success, 0x4041424344454647UL), (code, value.DmbTok)); // the handler's pattern, big-endian
    }

    [Fact]
    public void A_handler_error_code_gives_a_header_only_response_with_that_code()
    {
        var (written, status, response, _) = Run(Block(Command("query_info")), code: (IsmRet)0x0102);
        Assert.Equal((DispatchStatus.Handled, 8), (status, written));
        AssertHeader(response, 8, 0x0102, 8);
    }

    [Fact]
    public void A_request_longer_than_its_len_is_the_whole_union_block_and_is_accepted()
    {
        var (written, status, _, handler) = Run(Block(IsmCommands.RegDmbCode, 40, IsmRegDmb.Size));
        Assert.Equal((DispatchStatus.Handled, 16, 1), (status, written, handler.Record.Calls));
    }

    public static TheoryData<string, byte[], int, DispatchStatus, uint> Malformed => new()
    {
        { "unknown code 0xC", Block(0xC, 8, 8), 256, DispatchStatus.UnknownCommand, 0xC },
        { "unknown code 0xFFFFFFFF", Block(0xFFFFFFFF, 16, 16), 256, DispatchStatus.UnknownCommand, 0xFFFFFFFF },
        { "reg_dmb len 32", Block(IsmCommands.RegDmbCode, 32, 64), 256, DispatchStatus.BadLength, 0xA },
        { "reg_dmb len 48 (oversized)", Block(IsmCommands.RegDmbCode, 48, 64), 256, DispatchStatus.BadLength, 0xA },
        { "read_gid len 0", Block(IsmCommands.ReadGidCode, 0, 8), 256, DispatchStatus.BadLength, 0x3 },
        { "reg_dmb block of 39 bytes", Block(IsmCommands.RegDmbCode, 40, 39), 256, DispatchStatus.BadLength, 0xA },
        { "signal_ieq block of 8 bytes", Block(IsmCommands.SignalIeqCode, 32, 8), 256, DispatchStatus.BadLength, 0xE },
        { "reg_dmb response area of 15 bytes", Block(IsmCommands.RegDmbCode, 40, 40), 15, DispatchStatus.ReplyBufferTooSmall, 0xA },
        { "query_info response area of 199 bytes", Block(IsmCommands.QueryInfoCode, 8, 8), 199, DispatchStatus.ReplyBufferTooSmall, 0x8 },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_block_gets_a_header_only_ism_error_with_cmd_echoed(string why, byte[] request, int responseLength, DispatchStatus expected, uint cmd)
    {
        var (written, status, response, handler) = Run(request, responseLength);
        Assert.True(expected == status, $"{why}: {status}");
        Assert.Equal((8, 0), (written, handler.Record.Calls));
        AssertHeader(response, cmd, 0xFFFF, 8);
        Assert.All(response[8..], b => Assert.Equal(0xCC, b));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void A_block_shorter_than_the_header_gets_a_header_only_ism_error(int length)
    {
        var (written, status, response, handler) = Run(Block(IsmCommands.RegSbaCode, 16, length));
        Assert.Equal((DispatchStatus.TooShort, 8, 0), (status, written, handler.Record.Calls));
        Assert.True(IsmRespHdr.TryRead(response, out var header));
        Assert.Equal(((ushort)0xFFFF, (ushort)8), (header.Ret, header.Len));
        // no complete cmd field below 4 bytes; the generated code answers cmd 0 for every block shorter than the header
        Assert.True(header.Cmd == 0 || (length >= 4 && header.Cmd == IsmCommands.RegSbaCode), $"cmd {header.Cmd:X}");
        Assert.All(response[8..], b => Assert.Equal(0xCC, b));
    }

    [Fact]
    public void A_response_area_shorter_than_a_header_gets_nothing()
    {
        var (written, status, response, handler) = Run(Block(Command("reg_sba")), responseLength: 7);
        Assert.Equal((0, DispatchStatus.ReplyBufferTooSmall, 0), (written, status, handler.Record.Calls));
        Assert.All(response, b => Assert.Equal(0xCC, b));
    }

    [Fact]
    public void One_command_block_can_hold_the_request_and_receive_the_response()
    {
        var block = new byte[IsmRegDmb.Size];
        Assert.True(IsmCommands.TryWriteRegDmb(block, new IsmRegDmbRequest { Dmb = 0x1000, DmbLen = 0x4000, SbaIdx = 33, Rgid = 7 }, out _));
        var handler = new IsmHandler();
        int written = IsmCommands.Dispatch(ref handler, block, block, out var status);
        Assert.Equal((DispatchStatus.Handled, 16), (status, written));
        var seen = Bytes.Read<IsmRegDmbRequest>(handler.Record.SeenBytes());
        Assert.Equal((0xAu, (ushort)40, 0x1000UL, 33u, 7UL), (seen.Hdr.Cmd, seen.Hdr.Len, seen.Dmb, seen.SbaIdx, seen.Rgid));
        AssertHeader(block, 0xA, 0, 16);
    }

    [Fact]
    public void Random_blocks_never_throw_and_always_get_a_consistent_header()
    {
        var codes = Gen.Elements(IsmCommands.Commands.Select(c => c.Code).Concat(new uint[] { 0, 0xC, 0x13, 0xFFFFFFFF }).ToArray());
        var lens = Gen.Frequency((3, Gen.Elements(8, 16, 24, 32, 40, 200)), (1, Gen.Choose(0, 0xFFFF)));
        var body = Gen.Choose(0, 300).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n));
        var block = Gen.Zip(Gen.Zip(codes, lens), body).Select(t =>
        {
            var bytes = t.Item2;
            if (bytes.Length >= 4) BinaryPrimitives.WriteUInt32BigEndian(bytes, t.Item1.Item1);
            if (bytes.Length >= 8) BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(6), (ushort)t.Item1.Item2);
            return bytes;
        });
        var cases = Gen.Zip(block, Gen.Zip(Gen.Choose(0, 260), Gen.Elements(IsmRet.Success, IsmRet.IsmError, (IsmRet)7)));
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (request, (responseLength, code)) = c;
            var (written, status, response, handler) = Run(request, responseLength, code);
            Assert.InRange(written, 0, responseLength);
            if (responseLength < 8) return written == 0 && handler.Record.Calls == 0;
            Assert.True(IsmRespHdr.TryRead(response, out var header));
            if (status != DispatchStatus.Handled) return written == 8 && header.Ret == 0xFFFF && header.Len == 8 && handler.Record.Calls == 0;
            return handler.Record.Calls == 1 && header.Len == written && header.Ret == (ushort)code && (code == IsmRet.Success || written == 8);
        });
        PropertyRunner.Check(property, 3000, "ISM Dispatch on random blocks");
    }
}
