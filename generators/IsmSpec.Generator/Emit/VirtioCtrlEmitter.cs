using System.Linq;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Generator.Emit
{
    /// <summary>
    /// virtio controlq framing: request = u8 class, u8 command, request struct; reply = u8 ack, reply struct.
    /// Emits command constants, driver-side request builders and reply readers, the device-side handler
    /// interface and an allocation-free dispatcher that answers malformed input with the error ack.
    /// </summary>
    internal static class VirtioCtrlEmitter
    {
        public static void Emit(CodeWriter w, CommandSetSymbol set)
        {
            EmitHandlerInterface(w, set);
            string ack = CommandSetNames.Ack(set);
            w.Doc(set.Doc ?? $"The {set.Name} command set (virtio controlq framing).");
            w.Line($"[SpecName({CodeWriter.Literal(set.Name)})]");
            w.Open($"public static partial class {set.CSharpName}");
            w.Line("/// <summary>Bytes before the command-specific data: class and command.</summary>");
            w.Line("public const int HeaderSize = 2;");
            w.Line("/// <summary>Bytes before the command-specific reply: the ack.</summary>");
            w.Line("public const int AckSize = 1;");
            w.Line($"public const {ack} Ok = {CommandSetNames.AckMember(set, set.Ok)};");
            w.Line($"public const {ack} Error = {CommandSetNames.AckMember(set, set.Error)};");
            w.Line();
            CommandSetNames.EmitDescriptors(w, set);
            foreach (var c in set.Commands) EmitCommand(w, set, c);
            w.Line("/// <summary>Reads the ack byte of a reply; false when the reply is empty.</summary>");
            w.Line($"public static bool TryReadAck(ReadOnlySpan<byte> reply, out {ack} ack) {{ if (reply.IsEmpty) {{ ack = default; return false; }} ack = ({ack})reply[0]; return true; }}");
            w.Line();
            EmitDispatcher(w, set);
            w.Close();
            w.Line();
        }

        private static void EmitHandlerInterface(CodeWriter w, CommandSetSymbol set)
        {
            string ack = CommandSetNames.Ack(set);
            w.Line($"/// <summary>Device side of {set.Name}: one method per command; the generated dispatcher parses and frames.</summary>");
            w.Open($"public interface {CommandSetNames.Handler(set)}");
            foreach (var c in set.Commands)
            {
                w.Line($"/// <summary>{set.Name} {c.Name} (class {c.Class}, code {c.Code}). Returns the ack to send{(c.Reply != null ? "; the reply is sent as set" : "")}.</summary>");
                w.Line($"{ack} {c.CSharpName}({Parameters(c)});");
            }
            w.Close();
            w.Line();
        }

        private static string Parameters(CommandSymbol c)
        {
            var parts = new System.Collections.Generic.List<string>();
            if (c.Request != null) parts.Add($"in {c.Request.CSharpName} request");
            if (c.Reply != null) parts.Add($"ref {c.Reply.CSharpName} reply");
            if (c.Reply?.Tail != null) parts.Add("Span<byte> replyTail, out int replyTailLength");
            return string.Join(", ", parts);
        }

        private static void EmitCommand(CodeWriter w, CommandSetSymbol set, CommandSymbol c)
        {
            string n = c.CSharpName;
            int reqSize = c.Request?.Size ?? 0;
            w.Line($"/// <summary>{c.Name}: class {c.Class}, code {c.Code}; request {reqSize} bytes, reply {c.Reply?.Size ?? 0} bytes{(c.Reply?.Tail != null ? " + tail" : "")}.</summary>");
            w.Line($"public const byte {n}Class = {c.Class};");
            w.Line($"public const byte {n}Code = {c.Code};");
            w.Line($"public const int {n}RequestLength = HeaderSize + {reqSize};");
            w.Line($"public const int {n}ReplyLength = AckSize + {c.Reply?.Size ?? 0};");
            string reqParam = c.Request != null ? $", in {c.Request.CSharpName} request" : "";
            w.Line("/// <summary>Driver side: frames the request; false (nothing written) when the buffer is too short.</summary>");
            w.Open($"public static bool TryWrite{n}(Span<byte> destination{reqParam}, out int written)");
            w.Line($"if (destination.Length < {n}RequestLength) {{ written = 0; return false; }}");
            w.Line($"destination[0] = {n}Class;");
            w.Line($"destination[1] = {n}Code;");
            if (c.Request != null && reqSize > 0) w.Line("request.TryWrite(destination.Slice(HeaderSize));");
            w.Line($"written = {n}RequestLength;");
            w.Line("return true;");
            w.Close();
            if (c.Reply != null)
            {
                string tailOut = c.Reply.Tail != null ? ", out ReadOnlySpan<byte> tail" : "";
                w.Line("/// <summary>Driver side: reads the ack and, when it is Ok, the reply; false when the reply is too short for what it declares.</summary>");
                w.Open($"public static bool TryRead{n}Reply(ReadOnlySpan<byte> reply, out {CommandSetNames.Ack(set)} ack, out {c.Reply.CSharpName} value{tailOut})");
                if (c.Reply.Tail != null) w.Line("tail = default;");
                w.Line("value = default;");
                w.Line("if (!TryReadAck(reply, out ack)) return false;");
                w.Line("if (ack != Ok) return true; // an error reply is the ack alone");
                w.Line(c.Reply.Tail != null
                    ? $"return {c.Reply.CSharpName}.TryReadMessage(reply.Slice(AckSize), out value, out tail);"
                    : $"return {c.Reply.CSharpName}.TryRead(reply.Slice(AckSize), out value);");
                w.Close();
            }
            w.Line();
        }

        private static void EmitDispatcher(CodeWriter w, CommandSetSymbol set)
        {
            string handler = CommandSetNames.Handler(set);
            w.Line("/// <summary>");
            w.Line("/// Device side: decodes one request, calls the handler and writes the reply. Returns the number of reply");
            w.Line("/// bytes written. A short, unknown or wrong-length request, or a reply buffer too small for the reply,");
            w.Line("/// gets the error ack alone. Generic over the handler so a struct handler is called without boxing.");
            w.Line("/// </summary>");
            w.Open($"public static int Dispatch<THandler>(ref THandler handler, ReadOnlySpan<byte> request, Span<byte> reply, out DispatchStatus status) where THandler : {handler}");
            w.Line("if (reply.IsEmpty) { status = DispatchStatus.ReplyBufferTooSmall; return 0; }");
            w.Line("if (request.Length < HeaderSize) { status = DispatchStatus.TooShort; return Fail(reply); }");
            w.Open("switch (((int)request[0] << 8) | request[1])");
            foreach (var c in set.Commands)
            {
                w.Open($"case ({c.Class} << 8) | {c.Code}:");
                EmitCase(w, set, c);
                w.Close();
            }
            w.Line("default:");
            w.Line("    status = DispatchStatus.UnknownCommand;");
            w.Line("    return Fail(reply);");
            w.Close();
            w.Close();
            w.Line();
            w.Line($"private static int Fail(Span<byte> reply) {{ reply[0] = (byte)Error; return AckSize; }}");
        }

        private static void EmitCase(CodeWriter w, CommandSetSymbol set, CommandSymbol c)
        {
            string n = c.CSharpName;
            w.Line($"if (request.Length != {n}RequestLength) {{ status = DispatchStatus.BadLength; return Fail(reply); }}");
            w.Line($"if (reply.Length < {n}ReplyLength) {{ status = DispatchStatus.ReplyBufferTooSmall; return Fail(reply); }}");
            var args = new System.Collections.Generic.List<string>();
            if (c.Request != null)
            {
                w.Line($"{c.Request.CSharpName}.TryRead(request.Slice(HeaderSize), out var req);");
                args.Add("in req");
            }
            if (c.Reply != null)
            {
                w.Line($"{c.Reply.CSharpName} rep = default;");
                args.Add("ref rep");
            }
            if (c.Reply?.Tail != null)
            {
                w.Line($"var tail = reply.Slice({n}ReplyLength);");
                args.Add("tail, out int tailLength");
            }
            w.Line($"var ack = handler.{n}({string.Join(", ", args)});");
            w.Line("reply[0] = (byte)ack;");
            w.Line("status = DispatchStatus.Handled;");
            if (c.Reply == null)
            {
                w.Line("return AckSize;");
                return;
            }
            w.Line($"if (ack != Ok) return AckSize;");
            if (c.Reply.Tail != null)
            {
                w.Line("if ((uint)tailLength > (uint)tail.Length) { status = DispatchStatus.HandlerOverflow; return Fail(reply); }");
                w.Line("rep.TryWrite(reply.Slice(AckSize));");
                w.Line($"return {n}ReplyLength + tailLength;");
            }
            else
            {
                w.Line("rep.TryWrite(reply.Slice(AckSize));");
                w.Line($"return {n}ReplyLength;");
            }
        }
    }
}
