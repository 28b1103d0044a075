using System.Collections.Generic;
using System.Linq;
using IsmSpec.SpecLanguage.Diagnostics;
using IsmSpec.SpecLanguage.Model;
using IsmSpec.SpecLanguage.Syntax;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Binding
{
    /// <summary>Command sets: framing, ack set, commands and their payloads.</summary>
    internal sealed partial class Binder
    {
        private void BindCommandSet(CommandSetSyntax syntax, SourceFile file)
        {
            Framing framing;
            switch (syntax.Framing.Name)
            {
                case "virtio_ctrl": framing = Framing.VirtioCtrl; break;
                case "ism_block": framing = Framing.IsmBlock; break;
                default:
                    _diagnostics.Report(DiagnosticIds.Syntax, syntax.Framing.Span,
                        $"unknown framing '{syntax.Framing.Name}' (expected virtio_ctrl or ism_block)");
                    return;
            }
            if (syntax.Ack == null)
            {
                _diagnostics.Report(DiagnosticIds.DuplicateCommand, syntax.NameSpan,
                    $"command set '{syntax.Name}' needs an 'ack ENUM ok MEMBER error MEMBER;' line");
                return;
            }
            var ackType = ResolveType(syntax.Ack.Type.Name, syntax.Ack.Type.Span);
            if (ackType == null) return;
            if (!(ackType is EnumType ack) || ack.IsFlags)
            {
                _diagnostics.Report(DiagnosticIds.UnknownCommandType, syntax.Ack.Type.Span, $"the ack set '{ackType.Name}' must be an enum");
                return;
            }
            var ok = FindAckMember(ack, syntax.Ack.Ok);
            var error = FindAckMember(ack, syntax.Ack.Error);
            if (ok == null || error == null) return;
            if (framing == Framing.VirtioCtrl && ack.Size != 1)
                _diagnostics.Report(DiagnosticIds.UnknownCommandType, syntax.Ack.Type.Span, $"virtio_ctrl acks are one byte; '{ack.Name}' is {ack.Size}");
            if (framing == Framing.IsmBlock && ack.Underlying != PrimitiveType.Be16)
                _diagnostics.Report(DiagnosticIds.UnknownCommandType, syntax.Ack.Type.Span, $"ism_block return codes are be16; '{ack.Name}' is {ack.Underlying.Name}");

            var commands = new List<CommandSymbol>();
            var names = new HashSet<string>();
            var codes = new Dictionary<(long, ulong), string>();
            foreach (var c in syntax.Commands)
            {
                CheckIdentifier(c.Name, c.NameSpan);
                if (!names.Add(Naming.ToPascal(c.Name)))
                {
                    _diagnostics.Report(DiagnosticIds.DuplicateName, c.NameSpan, $"'{c.Name}' is already a command of '{syntax.Name}'");
                    continue;
                }
                var command = framing == Framing.VirtioCtrl ? BindVirtioCommand(syntax, c) : BindIsmCommand(c);
                if (command == null) continue;
                var key = ((long)(command.Class ?? -1), command.Code);
                if (codes.TryGetValue(key, out var other))
                {
                    _diagnostics.Report(DiagnosticIds.DuplicateCommand, c.Code.Span,
                        $"'{c.Name}' uses the same {(command.Class != null ? "class and code" : "code")} as '{other}'");
                    continue;
                }
                codes[key] = c.Name;
                commands.Add(command);
            }
            _spec.CommandSets.Add(new CommandSetSymbol(syntax.Name, syntax.NameSpan, syntax.Doc, framing, ack, ok, error, commands));
        }

        private EnumMember? FindAckMember(EnumType ack, TypeReferenceSyntax member)
        {
            var m = ack.FindMember(member.Name);
            if (m == null)
                _diagnostics.Report(DiagnosticIds.DuplicateCommand, member.Span, $"'{member.Name}' is not a member of '{ack.Name}'");
            return m;
        }

        private CommandSymbol? BindVirtioCommand(CommandSetSyntax set, CommandSyntax c)
        {
            if (c.Class == null)
            {
                _diagnostics.Report(DiagnosticIds.Syntax, c.NameSpan, $"virtio_ctrl command '{c.Name}' needs '(class C, code K)'");
                return null;
            }
            if (c.Union != null)
            {
                _diagnostics.Report(DiagnosticIds.UnknownCommandType, c.Union.Span, "virtio_ctrl commands take request/reply structs, not a union");
                return null;
            }
            var cls = EvaluateInRange(c.Class, 0, 255, "class");
            var code = EvaluateInRange(c.Code, 0, 255, "command code");
            if (cls == null || code == null) return null;
            var request = BindPayload(c.Request, set.Name + "_" + c.Name + "_request");
            var reply = BindPayload(c.Reply, set.Name + "_" + c.Name + "_reply");
            if ((c.Request != null && request == null) || (c.Reply != null && reply == null)) return null;
            if (request?.Tail != null)
            {
                _diagnostics.Report(DiagnosticIds.UnknownCommandType, c.Request!.Span, $"a request struct cannot end in a variable-length tail ('{request.Name}')");
                return null;
            }
            return new CommandSymbol(c.Name, c.NameSpan, c.Doc, (int)cls.Value, (ulong)code.Value, request, reply, null);
        }

        private StructType? BindPayload(PayloadSyntax? payload, string inlineName)
        {
            if (payload == null) return null;
            if (payload.Reference != null)
            {
                var t = ResolveType(payload.Reference.Name, payload.Reference.Span, report: false);
                if (t is StructType s) return s;
                _diagnostics.Report(DiagnosticIds.UnknownCommandType, payload.Reference.Span,
                    t == null ? $"command refers to unknown struct '{payload.Reference.Name}'"
                              : $"command payload '{payload.Reference.Name}' must be a struct");
                return null;
            }
            var inline = BindFields(new StructType(inlineName, payload.Span, null) { IsInline = true }, payload.Fields!, null);
            RegisterInlineStruct(inline);
            return inline;
        }

        private CommandSymbol? BindIsmCommand(CommandSyntax c)
        {
            if (c.Class != null)
                _diagnostics.Report(DiagnosticIds.Syntax, c.Class.Span, "ism_block commands have a code only, no class");
            if (c.Union == null)
            {
                _diagnostics.Report(DiagnosticIds.UnknownCommandType, c.NameSpan, $"ism_block command '{c.Name}' needs 'union NAME;'");
                return null;
            }
            var code = EvaluateInRange(c.Code, 0, uint.MaxValue, "command code");
            var t = ResolveType(c.Union.Name, c.Union.Span, report: false);
            if (!(t is UnionType union))
            {
                _diagnostics.Report(DiagnosticIds.UnknownCommandType, c.Union.Span,
                    t == null ? $"command refers to unknown union '{c.Union.Name}'" : $"'{c.Union.Name}' is not a union");
                return null;
            }
            var request = union.FindView("request")?.Struct;
            var response = union.FindView("response")?.Struct;
            if (request == null || response == null)
            {
                _diagnostics.Report(DiagnosticIds.UnknownCommandType, c.Union.Span, $"union '{union.Name}' needs views named 'request' and 'response'");
                return null;
            }
            if (!HasHeader(request, "cmd", "len") || !HasHeader(response, "cmd", "ret", "len"))
            {
                _diagnostics.Report(DiagnosticIds.UnknownCommandType, c.Union.Span,
                    $"union '{union.Name}': the request view must start with a header struct holding cmd and len, the response view with cmd, ret and len");
                return null;
            }
            if (code == null) return null;
            return new CommandSymbol(c.Name, c.NameSpan, c.Doc, null, (ulong)code.Value, request, response, union);
        }

        private static bool HasHeader(StructType view, params string[] names)
        {
            var first = view.Fields.FirstOrDefault();
            if (first == null || first.Offset != 0 || !(first.Type is StructType header)) return false;
            return names.All(n => header.Fields.Any(f => f.Name == n && f.Type is PrimitiveType p && p.ByteOrder == ByteOrder.Big));
        }
    }
}
