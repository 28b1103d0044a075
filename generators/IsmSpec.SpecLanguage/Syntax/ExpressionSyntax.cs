using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Syntax
{
    /// <summary>A constant integer expression: literal, constant name, unary or binary operation.</summary>
    public abstract class ExpressionSyntax
    {
        protected ExpressionSyntax(SourceSpan span) { Span = span; }
        public SourceSpan Span { get; }
    }

    public sealed class NumberExpression : ExpressionSyntax
    {
        public NumberExpression(ulong value, SourceSpan span) : base(span) { Value = value; }
        public ulong Value { get; }
    }

    public sealed class NameExpression : ExpressionSyntax
    {
        public NameExpression(string name, SourceSpan span) : base(span) { Name = name; }
        public string Name { get; }
    }

    public sealed class UnaryExpression : ExpressionSyntax
    {
        public UnaryExpression(TokenKind op, ExpressionSyntax operand, SourceSpan span) : base(span) { Operator = op; Operand = operand; }
        public TokenKind Operator { get; }
        public ExpressionSyntax Operand { get; }
    }

    public sealed class BinaryExpression : ExpressionSyntax
    {
        public BinaryExpression(ExpressionSyntax left, TokenKind op, ExpressionSyntax right, SourceSpan span) : base(span)
        {
            Left = left; Operator = op; Right = right;
        }
        public ExpressionSyntax Left { get; }
        public TokenKind Operator { get; }
        public ExpressionSyntax Right { get; }
    }
}
