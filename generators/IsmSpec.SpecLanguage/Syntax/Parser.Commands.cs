using System.Collections.Generic;

namespace IsmSpec.SpecLanguage.Syntax
{
    /// <summary>Command sets and operation tables.</summary>
    public sealed partial class Parser
    {
        private CommandSetSyntax ParseCommandSet()
        {
            var keyword = Advance();
            var name = ExpectName("a command set name");
            ExpectKeyword("framing");
            var framing = ParseTypeReference("a framing (virtio_ctrl or ism_block)");
            Expect(TokenKind.OpenBrace, "'{'");
            AckSyntax? ack = null;
            var commands = new List<CommandSyntax>();
            while (Current.Kind != TokenKind.CloseBrace && Current.Kind != TokenKind.EndOfFile)
            {
                int before = _pos;
                if (Current.IsName("ack"))
                {
                    var parsed = TryParse(ParseAck, topLevel: false);
                    if (parsed != null) ack = parsed;
                }
                else
                {
                    var command = TryParse(ParseCommand, topLevel: false);
                    if (command != null) commands.Add(command);
                }
                if (_pos == before) Advance();
            }
            Expect(TokenKind.CloseBrace, "'}'");
            Accept(TokenKind.Semicolon);
            return new CommandSetSyntax(name.Text, name.Span, framing, ack, commands, keyword.Doc);
        }

        private AckSyntax ParseAck()
        {
            ExpectKeyword("ack");
            var type = ParseTypeReference("the ack enum");
            ExpectKeyword("ok");
            var ok = ParseTypeReference("the success member");
            ExpectKeyword("error");
            var error = ParseTypeReference("the error member");
            Expect(TokenKind.Semicolon, "';'");
            return new AckSyntax(type, ok, error);
        }

        private CommandSyntax ParseCommand()
        {
            var keyword = ExpectKeyword("command");
            var name = ExpectName("a command name");
            Expect(TokenKind.OpenParen, "'('");
            ExpressionSyntax? classValue = null;
            if (AcceptName("class"))
            {
                classValue = ParseExpression();
                Expect(TokenKind.Comma, "','");
            }
            ExpectKeyword("code");
            var code = ParseExpression();
            Expect(TokenKind.CloseParen, "')'");
            if (AcceptName("union"))
            {
                var union = ParseTypeReference("a union name");
                Expect(TokenKind.Semicolon, "';'");
                return new CommandSyntax(name.Text, name.Span, classValue, code, null, null, union, keyword.Doc);
            }
            Expect(TokenKind.OpenBrace, "'{' or 'union'");
            PayloadSyntax? request = null, reply = null;
            while (Current.Kind != TokenKind.CloseBrace && Current.Kind != TokenKind.EndOfFile)
            {
                if (Current.IsName("request")) { Advance(); request = ParsePayload(); }
                else if (Current.IsName("reply")) { Advance(); reply = ParsePayload(); }
                else throw Error($"expected 'request' or 'reply' but found {Current}");
            }
            Expect(TokenKind.CloseBrace, "'}'");
            Accept(TokenKind.Semicolon);
            return new CommandSyntax(name.Text, name.Span, classValue, code, request, reply, null, keyword.Doc);
        }

        private PayloadSyntax ParsePayload()
        {
            var start = Current;
            if (Current.Kind == TokenKind.Name)
            {
                var reference = ParseTypeReference("a struct name");
                Expect(TokenKind.Semicolon, "';'");
                return new PayloadSyntax(null, reference, reference.Span);
            }
            Expect(TokenKind.OpenBrace, "'{' or a struct name");
            var fields = ParseMembers(ParseField);
            return new PayloadSyntax(fields, null, start.Span);
        }

        private OpsSyntax ParseOps()
        {
            var keyword = Advance();
            var name = ExpectName("an ops table name");
            Expect(TokenKind.OpenBrace, "'{'");
            var mandatory = new List<OperationSyntax>();
            var groups = new List<OperationGroupSyntax>();
            while (Current.Kind != TokenKind.CloseBrace && Current.Kind != TokenKind.EndOfFile)
            {
                int before = _pos;
                if (Current.IsName("optional"))
                {
                    var group = TryParse(ParseOptional, topLevel: false);
                    if (group != null) groups.Add(group);
                }
                else
                {
                    var op = TryParse(ParseOperation, topLevel: false);
                    if (op != null) mandatory.Add(op);
                }
                if (_pos == before) Advance();
            }
            Expect(TokenKind.CloseBrace, "'}'");
            Accept(TokenKind.Semicolon);
            groups.Insert(0, new OperationGroupSyntax(name.Text, name.Span, false, mandatory, null));
            return new OpsSyntax(name.Text, name.Span, groups, keyword.Doc);
        }

        private OperationGroupSyntax ParseOptional()
        {
            var keyword = ExpectKeyword("optional");
            if (AcceptName("group"))
            {
                var name = ExpectName("a group name");
                Expect(TokenKind.OpenBrace, "'{'");
                var ops = ParseMembers(ParseOperation);
                return new OperationGroupSyntax(name.Text, name.Span, true, ops, keyword.Doc);
            }
            var op = ParseOperation();
            return new OperationGroupSyntax(op.Name, op.NameSpan, true, new[] { op }, keyword.Doc ?? op.Doc);
        }

        private OperationSyntax ParseOperation()
        {
            var first = Current;
            var returnType = ParseTypeReference("a return type");
            var name = ExpectName("an operation name");
            Expect(TokenKind.OpenParen, "'('");
            var parameters = new List<ParameterSyntax>();
            if (Current.Kind != TokenKind.CloseParen)
            {
                do
                {
                    bool isOut = Current.IsName("out") && PeekToken(1).Kind == TokenKind.Name && PeekToken(2).Kind == TokenKind.Name;
                    if (isOut) Advance();
                    var type = ParseTypeReference("a parameter type");
                    var pname = ExpectName("a parameter name");
                    parameters.Add(new ParameterSyntax(pname.Text, pname.Span, type, isOut));
                }
                while (Accept(TokenKind.Comma));
            }
            Expect(TokenKind.CloseParen, "')'");
            var docString = ParseOptionalDocString();
            Expect(TokenKind.Semicolon, "';'");
            return new OperationSyntax(name.Text, name.Span, returnType, parameters, docString ?? first.Doc);
        }
    }
}
