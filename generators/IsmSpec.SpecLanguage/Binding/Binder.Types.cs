using System.Collections.Generic;
using IsmSpec.SpecLanguage.Diagnostics;
using IsmSpec.SpecLanguage.Model;
using IsmSpec.SpecLanguage.Syntax;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Binding
{
    /// <summary>Type resolution, enums, flags and bitfields.</summary>
    internal sealed partial class Binder
    {
        /// <summary>Resolves a type name (built-in or declared), binding declared types on first use.</summary>
        private TypeSymbol? ResolveType(string name, SourceSpan span, bool report = true)
        {
            var primitive = PrimitiveType.Find(name);
            if (primitive != null) return primitive;
            if (_boundTypes.TryGetValue(name, out var bound)) return bound;
            if (!_declarations.TryGetValue(name, out var entry) || !IsTypeDeclaration(entry.Syntax))
            {
                if (report) _diagnostics.Report(DiagnosticIds.UnknownType, span, $"unknown type '{name}'");
                return null;
            }
            if (_binding.Count >= MaxBindingDepth)
            {
                _diagnostics.Report(DiagnosticIds.UnknownType, span, $"type '{name}' is nested more than {MaxBindingDepth} levels deep");
                return null;
            }
            if (!_binding.Add(name))
            {
                _diagnostics.Report(DiagnosticIds.UnknownType, span, $"type '{name}' contains itself");
                return null;
            }
            TypeSymbol? type = entry.Syntax switch
            {
                EnumSyntax e => BindEnum(e),
                BitfieldSyntax b => BindBitfield(b),
                StructSyntax s => BindStruct(s),
                UnionSyntax u => BindUnion(u),
                _ => null,
            };
            _binding.Remove(name);
            if (type != null)
            {
                _boundTypes[name] = type;
                _spec.Types.Add(type);
            }
            return type;
        }

        private static bool IsTypeDeclaration(DeclarationSyntax d) => d is EnumSyntax || d is BitfieldSyntax || d is StructSyntax || d is UnionSyntax;

        private PrimitiveType? ResolveIntegerType(TypeReferenceSyntax reference, string what)
        {
            var p = PrimitiveType.Find(reference.Name);
            if (p != null && p.IsInteger) return p;
            if (p == null && !_declarations.ContainsKey(reference.Name))
                _diagnostics.Report(DiagnosticIds.UnknownType, reference.Span, $"unknown type '{reference.Name}'");
            else
                _diagnostics.Report(DiagnosticIds.UnknownType, reference.Span, $"{what} must be an integer wire type (u8, le16..be64, h16..h64), not '{reference.Name}'");
            return null;
        }

        private EnumType? BindEnum(EnumSyntax syntax)
        {
            var underlying = ResolveIntegerType(syntax.Underlying, syntax.IsFlags ? "a flag set's type" : "an enum's type");
            if (underlying == null) return null;
            var members = new List<EnumMember>();
            var names = new HashSet<string>();
            foreach (var m in syntax.Members)
            {
                CheckIdentifier(m.Name, m.NameSpan);
                if (!names.Add(Naming.ToPascal(m.Name)))
                {
                    _diagnostics.Report(DiagnosticIds.DuplicateName, m.NameSpan, $"'{m.Name}' is already a member of '{syntax.Name}'");
                    continue;
                }
                var value = EvaluateInRange(m.Value, 0, underlying.MaxValue, $"value of '{m.Name}' ({underlying.Name})");
                if (value == null) continue;
                members.Add(new EnumMember(m.Name, m.NameSpan, (ulong)value.Value, m.Doc));
            }
            return new EnumType(syntax.Name, syntax.NameSpan, syntax.Doc, syntax.IsFlags, underlying, members);
        }

        private BitfieldType? BindBitfield(BitfieldSyntax syntax)
        {
            var underlying = ResolveIntegerType(syntax.Underlying, "a bitfield's type");
            if (underlying == null) return null;
            var file = _declarations[syntax.Name].File;
            var members = new List<BitMember>();
            var names = new HashSet<string>();
            ulong used = 0;
            foreach (var m in syntax.Members)
            {
                CheckIdentifier(m.Name, m.NameSpan);
                if (!names.Add(Naming.ToPascal(m.Name)))
                {
                    _diagnostics.Report(DiagnosticIds.DuplicateName, m.NameSpan, $"'{m.Name}' is already a member of '{syntax.Name}'");
                    continue;
                }
                // Range problems point at the bit range ('0..8'), not at the whole member line.
                var range = m.Low.Span.Through((m.High ?? m.Low).Span, file);
                var low = Evaluate(m.Low);
                var high = m.High == null ? low : Evaluate(m.High);
                if (low == null || high == null) continue;
                if (low.Value > high.Value)
                {
                    _diagnostics.Report(DiagnosticIds.BitfieldOverflow, range, $"bit range {low}..{high} of '{m.Name}' is reversed");
                    continue;
                }
                if (high.Value >= (ulong)underlying.Bits)
                {
                    _diagnostics.Report(DiagnosticIds.BitfieldOverflow, range,
                        $"'{m.Name}' uses bit {high.Value} but {underlying.Name} has bits 0..{underlying.Bits - 1}");
                    continue;
                }
                EnumType? asEnum = null;
                if (m.AsType != null)
                {
                    asEnum = ResolveType(m.AsType.Name, m.AsType.Span) as EnumType;
                    if (asEnum == null && _boundTypes.ContainsKey(m.AsType.Name))
                        _diagnostics.Report(DiagnosticIds.UnknownType, m.AsType.Span, $"'{m.AsType.Name}' is not an enum");
                }
                var member = new BitMember(m.Name, m.NameSpan, m.Doc, (int)low.Value, (int)high.Value, m.IsReserved, asEnum);
                if ((used & member.Mask) != 0)
                {
                    _diagnostics.Report(DiagnosticIds.BitfieldOverflow, range, $"'{m.Name}' overlaps an earlier member of '{syntax.Name}'");
                    continue;
                }
                if (asEnum != null)
                {
                    ulong max = member.Width >= 64 ? ulong.MaxValue : (1UL << member.Width) - 1;
                    foreach (var e in asEnum.Members)
                        if (e.Value > max)
                            _diagnostics.Report(DiagnosticIds.ValueOutOfRange, m.AsType!.Span,
                                $"'{asEnum.Name}.{e.Name}' = {e.Value} does not fit in the {member.Width} bits of '{m.Name}'");
                }
                used |= member.Mask;
                members.Add(member);
            }
            return new BitfieldType(syntax.Name, syntax.NameSpan, syntax.Doc, underlying, members);
        }
    }
}
