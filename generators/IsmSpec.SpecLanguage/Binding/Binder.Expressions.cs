using IsmSpec.SpecLanguage.Diagnostics;
using IsmSpec.SpecLanguage.Syntax;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Binding
{
    /// <summary>Constant expressions: 64-bit unsigned arithmetic, overflow and unknown names are diagnostics.</summary>
    internal sealed partial class Binder
    {
        /// <summary>Value of a const/device_id/feature declaration, evaluated once (cycles are reported).</summary>
        private ulong? EvaluateConstantDeclaration(string name)
        {
            if (_constantValues.TryGetValue(name, out var known)) return known;
            if (!_declarations.TryGetValue(name, out var entry) || !(entry.Syntax is ValueDeclarationSyntax v)) return null;
            if (_binding.Count >= MaxBindingDepth)
            {
                _diagnostics.Report(DiagnosticIds.UnknownConstant, v.NameSpan, $"constant '{name}' is defined through a chain of more than {MaxBindingDepth} declarations");
                return null;
            }
            _constantValues[name] = null; // cycle guard: a self-reference evaluates to "unknown"
            if (!_binding.Add("const:" + name))
            {
                _diagnostics.Report(DiagnosticIds.UnknownConstant, v.NameSpan, $"constant '{name}' depends on itself");
                return null;
            }
            var value = Evaluate(v.Value);
            _binding.Remove("const:" + name);
            _constantValues[name] = value;
            return value;
        }

        /// <summary>Nested evaluations at once: an expression's tree depth, summed along a chain of constants.</summary>
        private const int MaxEvaluationDepth = 512;
        private int _evaluationDepth;

        /// <summary>Evaluates an expression; reports and returns null when it cannot.</summary>
        private ulong? Evaluate(ExpressionSyntax expression)
        {
            if (_evaluationDepth >= MaxEvaluationDepth)
            {
                _diagnostics.Report(DiagnosticIds.UnknownConstant, expression.Span,
                    $"the expression nests more than {MaxEvaluationDepth} levels deep through its constants");
                return null;
            }
            _evaluationDepth++;
            try { return EvaluateCore(expression); }
            finally { _evaluationDepth--; }
        }

        private ulong? EvaluateCore(ExpressionSyntax expression)
        {
            switch (expression)
            {
                case NumberExpression n:
                    return n.Value;
                case NameExpression name:
                    if (_declarations.TryGetValue(name.Name, out var entry) && entry.Syntax is ValueDeclarationSyntax)
                    {
                        if (_binding.Contains("const:" + name.Name))
                        {
                            _diagnostics.Report(DiagnosticIds.UnknownConstant, name.Span, $"constant '{name.Name}' depends on itself");
                            return null;
                        }
                        return EvaluateConstantDeclaration(name.Name);
                    }
                    if (name.Name.IndexOf('-') >= 0)
                        _diagnostics.Report(DiagnosticIds.HyphenatedName, name.Span,
                            $"'{name.Name}' is read as one hyphenated name; write spaces around a minus sign ('a - 1')");
                    else
                        _diagnostics.Report(DiagnosticIds.UnknownConstant, name.Span, $"unknown constant '{name.Name}'");
                    return null;
                case UnaryExpression u:
                {
                    var operand = Evaluate(u.Operand);
                    if (operand == null) return null;
                    if (u.Operator == TokenKind.Tilde) return ~operand.Value;
                    if (operand.Value == 0) return 0;
                    _diagnostics.Report(DiagnosticIds.ValueOutOfRange, u.Span, "negative values are not allowed");
                    return null;
                }
                case BinaryExpression b:
                {
                    var left = Evaluate(b.Left);
                    var right = Evaluate(b.Right);
                    if (left == null || right == null) return null;
                    return Apply(b, left.Value, right.Value);
                }
                default:
                    return null;
            }
        }

        private ulong? Apply(BinaryExpression b, ulong l, ulong r)
        {
            switch (b.Operator)
            {
                case TokenKind.Pipe: return l | r;
                case TokenKind.Ampersand: return l & r;
                case TokenKind.ShiftLeft:
                    if (r >= 64 || (r > 0 && (l >> (int)(64 - (int)r)) != 0)) return OutOfRange(b.Span, "shift overflows 64 bits");
                    return l << (int)r;
                case TokenKind.ShiftRight:
                    return r >= 64 ? 0 : l >> (int)r;
                case TokenKind.Plus:
                    if (l + r < l) return OutOfRange(b.Span, "sum overflows 64 bits");
                    return l + r;
                case TokenKind.Minus:
                    if (r > l) return OutOfRange(b.Span, "difference is negative");
                    return l - r;
                case TokenKind.Star:
                    if (l != 0 && r > ulong.MaxValue / l) return OutOfRange(b.Span, "product overflows 64 bits");
                    return l * r;
                default:
                    return null;
            }
        }

        private ulong? OutOfRange(SourceSpan span, string message)
        {
            _diagnostics.Report(DiagnosticIds.ValueOutOfRange, span, message);
            return null;
        }

        /// <summary>Evaluates an expression that must fit in [min, max]; reports ISM0005 otherwise.</summary>
        private long? EvaluateInRange(ExpressionSyntax expression, ulong min, ulong max, string what)
        {
            var value = Evaluate(expression);
            if (value == null) return null;
            if (value.Value < min || value.Value > max)
            {
                _diagnostics.Report(DiagnosticIds.ValueOutOfRange, expression.Span, $"{what} {value.Value} is outside {min}..{max}");
                return null;
            }
            return (long)value.Value;
        }
    }
}
