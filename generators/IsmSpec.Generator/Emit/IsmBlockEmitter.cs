using System.Linq;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Generator.Emit
{
    /// <summary>
    /// s390 ISM command-block framing: the request view starts with {cmd, len}, the response view with
    /// {cmd, ret, len}. Emits driver-side builders that fill the header, response readers, the device-side
    /// handler interface and a dispatcher that answers unknown or malformed blocks with the error code.
    /// </summary>
    internal static class IsmBlockEmitter
    {
        private const int HeaderSize = 8;

        public static void Emit(CodeWriter w, CommandSetSymbol set)
        {
            string ret = CommandSetNames.Ack(set);
            w.Line($"/// <summary>Device side of {set.Name}: one method per command. Return the code for the response header.</summary>");
            w.Open($"public interface {CommandSetNames.Handler(set)}");
            foreach (var c in set.Commands)
                w.Line($"{ret} {c.CSharpName}(in {c.Request!.CSharpName} request, ref {c.Reply!.CSharpName} response);");
            w.Close();
            w.Line();
            w.Doc(set.Doc ?? $"The {set.Name} command set (s390 ISM command blocks).");
            w.Line($"[SpecName({CodeWriter.Literal(set.Name)})]");
            w.Open($"public static partial class {set.CSharpName}");
            w.Line("/// <summary>Bytes of the request and response headers.</summary>");
            w.Line($"public const int HeaderSize = {HeaderSize};");
            w.Line($"public const {ret} Ok = {CommandSetNames.AckMember(set, set.Ok)};");
            w.Line($"public const {ret} Error = {CommandSetNames.AckMember(set, set.Error)};");
            w.Line();
            CommandSetNames.EmitDescriptors(w, set);
            foreach (var c in set.Commands) EmitCommand(w, set, c);
            EmitDispatcher(w, set);
            w.Close();
            w.Line();
        }

        private static string Header(StructType view) => MemberNames.For(view.Fields[0].CSharpName, view.CSharpName);

        private static string HeaderField(StructType view, string name)
        {
            var header = (StructType)view.Fields[0].Type;
            var f = header.Fields.First(x => x.Name == name);
            return MemberNames.For(f.CSharpName, header.CSharpName);
        }

        private static void EmitCommand(CodeWriter w, CommandSetSymbol set, CommandSymbol c)
        {
            string n = c.CSharpName;
            var req = c.Request!;
            var rsp = c.Reply!;
            w.Line($"/// <summary>{c.Name}: code {CodeWriter.Hex(c.Code)}, request {req.Size} bytes, response {rsp.Size} bytes (block {c.Union!.Size}).</summary>");
            w.Line($"public const uint {n}Code = {CodeWriter.Hex(c.Code)};");
            w.Line($"public const int {n}RequestLength = {req.Size};");
            w.Line($"public const int {n}ResponseLength = {rsp.Size};");
            w.Line("/// <summary>Driver side: writes the request block and fills its header (cmd, len); false when the area is too short.</summary>");
            w.Open($"public static bool TryWrite{n}(Span<byte> commandArea, in {req.CSharpName} request, out int written)");
            w.Line($"if (commandArea.Length < {n}RequestLength) {{ written = 0; return false; }}");
            w.Line("request.TryWrite(commandArea);");
            w.Line($"ref var block = ref {req.CSharpName}.View(commandArea);");
            w.Line($"block.{Header(req)}.{HeaderField(req, "cmd")} = {n}Code;");
            w.Line($"block.{Header(req)}.{HeaderField(req, "len")} = {n}RequestLength;");
            w.Line($"written = {n}RequestLength;");
            w.Line("return true;");
            w.Close();
            w.Line("/// <summary>Driver side: reads the response code and, when it is Ok, the response view.</summary>");
            w.Open($"public static bool TryRead{n}Response(ReadOnlySpan<byte> commandArea, out {CommandSetNames.Ack(set)} code, out {rsp.CSharpName} value)");
            w.Line("value = default;");
            w.Line("if (commandArea.Length < HeaderSize) { code = Error; return false; }");
            w.Line($"code = ({CommandSetNames.Ack(set)})System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(commandArea.Slice(4));");
            w.Line("if (code != Ok) return true;");
            w.Line($"return {rsp.CSharpName}.TryRead(commandArea, out value);");
            w.Close();
            w.Line();
        }

        private static void EmitDispatcher(CodeWriter w, CommandSetSymbol set)
        {
            w.Line("/// <summary>");
            w.Line("/// Device side: decodes one command block, calls the handler and writes the response block. Returns the");
            w.Line("/// response bytes written. Unknown codes, a len that is not the command's request size, or a short block");
            w.Line("/// get a header-only response with the error code. Allocation-free; the request is read in place.");
            w.Line("/// </summary>");
            w.Open($"public static int Dispatch<THandler>(ref THandler handler, ReadOnlySpan<byte> request, Span<byte> response, out DispatchStatus status) where THandler : {CommandSetNames.Handler(set)}");
            w.Line("if (response.Length < HeaderSize) { status = DispatchStatus.ReplyBufferTooSmall; return 0; }");
            w.Line("if (request.Length < HeaderSize) { status = DispatchStatus.TooShort; return Fail(response, request.Length >= 4 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(request) : 0); }");
            w.Line("uint cmd = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(request);");
            w.Line("int len = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(request.Slice(6));");
            w.Open("switch (cmd)");
            foreach (var c in set.Commands)
            {
                string n = c.CSharpName;
                var rsp = c.Reply!;
                w.Open($"case {n}Code:");
                w.Line($"if (len != {n}RequestLength || request.Length < {n}RequestLength) {{ status = DispatchStatus.BadLength; return Fail(response, cmd); }}");
                w.Line($"if (response.Length < {n}ResponseLength) {{ status = DispatchStatus.ReplyBufferTooSmall; return Fail(response, cmd); }}");
                // A copy, not a reference: request and response may be the same block (ISM commands are unions).
                w.Line($"var req = MemoryMarshal.Read<{c.Request!.CSharpName}>(request);");
                w.Line($"response.Slice(0, {n}ResponseLength).Clear();");
                w.Line($"ref var rsp = ref MemoryMarshal.AsRef<{rsp.CSharpName}>(response.Slice(0, {n}ResponseLength));");
                w.Line($"var code = handler.{n}(in req, ref rsp);");
                w.Line($"int written = code == Ok ? {n}ResponseLength : HeaderSize;");
                w.Line($"rsp.{Header(rsp)}.{HeaderField(rsp, "cmd")} = cmd;");
                w.Line($"rsp.{Header(rsp)}.{HeaderField(rsp, "ret")} = (ushort)code;");
                w.Line($"rsp.{Header(rsp)}.{HeaderField(rsp, "len")} = (ushort)written;");
                w.Line("status = DispatchStatus.Handled;");
                w.Line("return written;");
                w.Close();
            }
            w.Line("default:");
            w.Line("    status = DispatchStatus.UnknownCommand;");
            w.Line("    return Fail(response, cmd);");
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>A header-only response carrying the error code.</summary>");
            w.Open("private static int Fail(Span<byte> response, uint cmd)");
            w.Line("System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(response, cmd);");
            w.Line("System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(response.Slice(4), (ushort)Error);");
            w.Line($"System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(response.Slice(6), HeaderSize);");
            w.Line("return HeaderSize;");
            w.Close();
        }
    }
}
