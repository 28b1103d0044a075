using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Generator.Emit
{
    /// <summary>Names shared by the two command-set emitters.</summary>
    internal static class CommandSetNames
    {
        public static string Handler(CommandSetSymbol set) => "I" + set.CSharpName + "Handler";
        public static string Ack(CommandSetSymbol set) => set.Ack.CSharpName;
        public static string AckMember(CommandSetSymbol set, EnumMember m) => set.Ack.CSharpName + "." + m.CSharpName;

        public static void EmitDescriptors(CodeWriter w, CommandSetSymbol set)
        {
            w.Line("/// <summary>Every command of the set, in spec order.</summary>");
            w.Open("public static readonly CommandDescriptor[] Commands =");
            foreach (var c in set.Commands)
            {
                string req = c.Request == null ? "null" : CodeWriter.Literal(c.Request.Name);
                string rep = c.Reply == null ? "null" : CodeWriter.Literal(c.Reply.Name);
                bool tail = c.Reply?.Tail != null;
                w.Line($"new CommandDescriptor({CodeWriter.Literal(c.Name)}, {c.Class ?? -1}, {c.Code}u, {c.Request?.Size ?? 0}, {c.Reply?.Size ?? 0}, {req}, {rep}, {(tail ? "true" : "false")}),");
            }
            w.Close(";");
            w.Line();
        }
    }
}
