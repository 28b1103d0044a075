using System.Collections.Generic;
using System.Linq;
using IsmSpec.SpecLanguage.Diagnostics;
using IsmSpec.SpecLanguage.Model;
using IsmSpec.SpecLanguage.Syntax;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Binding
{
    /// <summary>The layout engine: packed sequential structs, checked offsets, tails, unions.</summary>
    internal sealed partial class Binder
    {
        private const ulong MaxArrayLength = 1 << 20;
        /// <summary>Largest struct or view (1 GiB): keeps every offset and size, rounded up to an alignment, inside an int.</summary>
        private const int MaxStructSize = 1 << 30;

        private StructType BindStruct(StructSyntax syntax) =>
            BindFields(new StructType(syntax.Name, syntax.NameSpan, syntax.Doc), syntax.Fields, syntax.Attributes);

        /// <summary>Builds a struct from fields (declared, inline command payload, or union view).</summary>
        private StructType BindFields(StructType result, IReadOnlyList<FieldSyntax> fieldSyntaxes, StructAttributesSyntax? attributes)
        {
            result.HostOrder = attributes?.HostOrder ?? false;
            var fields = new List<FieldSymbol>();
            var names = new HashSet<string>();
            int offset = 0;
            FieldSymbol? tail = null;
            foreach (var f in fieldSyntaxes)
            {
                CheckIdentifier(f.Name, f.NameSpan);
                if (!names.Add(Naming.ToPascal(f.Name)))
                {
                    _diagnostics.Report(DiagnosticIds.DuplicateName, f.NameSpan, $"'{f.Name}' is already a field of '{result.Name}'");
                    continue;
                }
                if (tail != null)
                {
                    _diagnostics.Report(DiagnosticIds.TailNotLast, tail.Span,
                        $"variable-length tail '{tail.Name}' must be the last field of '{result.Name}'");
                    tail = null;
                }
                var type = ResolveType(f.Type.Name, f.Type.Span);
                if (type == null) continue;
                if (!CheckFieldType(result, f, type)) continue;

                int arrayLength = 0;
                FieldSymbol? countField = null;
                if (f.Count != null && !BindCount(f, fields, out arrayLength, out countField)) continue;

                if (f.Offset != null)
                {
                    var declared = EvaluateInRange(f.Offset, 0, MaxStructSize, "offset");
                    if (declared != null && declared.Value != offset)
                    {
                        string why = declared.Value > offset
                            ? $"a gap of {declared.Value - offset} bytes must be written as a reserved field"
                            : $"it overlaps the previous field by {offset - declared.Value} bytes";
                        _diagnostics.Report(DiagnosticIds.LayoutMismatch, f.Offset.Span,
                            $"'{f.Name}' is declared at offset {declared.Value} but the layout puts it at {offset}: {why}");
                        offset = (int)declared.Value;
                    }
                }
                int? align = null;
                if (f.Align != null)
                {
                    var a = EvaluateInRange(f.Align, 1, 4096, "alignment");
                    if (a != null)
                    {
                        align = (int)a.Value;
                        if (offset % align.Value != 0)
                            _diagnostics.Report(DiagnosticIds.Misaligned, f.Align.Span,
                                $"'{f.Name}' is at offset {offset}, which is not a multiple of {align}");
                    }
                }
                long fieldSize = countField != null ? 0 : (long)type.Size * (arrayLength > 0 ? arrayLength : 1);
                if (offset + fieldSize > MaxStructSize)
                {
                    // Without this check nested arrays (s0 holds s1[1024] holds s2[1024] ...) overflow int sizes silently.
                    _diagnostics.Report(DiagnosticIds.ValueOutOfRange, f.Count?.Span ?? f.Type.Span,
                        $"'{f.Name}' would end at byte {offset + fieldSize}, beyond the {MaxStructSize}-byte limit of a struct");
                    continue;
                }
                int? declaredOffset = f.Offset == null ? (int?)null : offset;
                var field = new FieldSymbol(f.Name, f.NameSpan, f.Doc, type, offset, arrayLength, countField,
                    f.IsReserved, f.IsHostOnly, declaredOffset, align);
                fields.Add(field);
                if (field.IsTail) tail = field;
                offset += field.Size;
            }
            result.Fields = fields;
            result.ContentSize = offset;
            if (attributes != null) ApplySizeAttributes(result, attributes, offset);
            return result;
        }

        private bool CheckFieldType(StructType owner, FieldSyntax f, TypeSymbol type)
        {
            if (type is UnionType)
            {
                _diagnostics.Report(DiagnosticIds.UnknownType, f.Type.Span, $"a union ('{type.Name}') cannot be a field type; use one of its views");
                return false;
            }
            if (type is StructType nested && nested.Tail != null)
            {
                _diagnostics.Report(DiagnosticIds.TailNotLast, f.Type.Span,
                    $"'{type.Name}' ends in a variable-length tail and cannot be nested in '{owner.Name}'");
                return false;
            }
            if (!owner.HostOrder && UsesHostOrder(type))
            {
                _diagnostics.Report(DiagnosticIds.HostOrderOutsideHostStruct, f.Type.Span,
                    $"'{f.Type.Name}' is in host byte order; declare '{owner.Name}' as 'hostorder' if the spec says host order");
                return false;
            }
            return true;
        }

        private static bool UsesHostOrder(TypeSymbol type) => type switch
        {
            PrimitiveType p => p.ByteOrder == ByteOrder.Host,
            EnumType e => e.Underlying.ByteOrder == ByteOrder.Host,
            BitfieldType b => b.Underlying.ByteOrder == ByteOrder.Host,
            StructType s => s.HostOrder,
            _ => false,
        };

        private bool BindCount(FieldSyntax f, List<FieldSymbol> earlier, out int arrayLength, out FieldSymbol? countField)
        {
            arrayLength = 0;
            countField = null;
            if (f.Count is NameExpression name && !(_declarations.TryGetValue(name.Name, out var d) && d.Syntax is ValueDeclarationSyntax))
            {
                var counter = earlier.FirstOrDefault(e => e.Name == name.Name);
                if (counter == null && name.Name.IndexOf('-') >= 0)
                {
                    _diagnostics.Report(DiagnosticIds.HyphenatedName, name.Span,
                        $"'{name.Name}' is read as one hyphenated name; write spaces around a minus sign ('a - 1')");
                    return false;
                }
                if (counter == null)
                {
                    _diagnostics.Report(DiagnosticIds.BadCount, name.Span,
                        $"the length of '{f.Name}' must be a constant or an earlier integer field, and '{name.Name}' is neither");
                    return false;
                }
                bool isInteger = !counter.IsArray && (counter.Type is PrimitiveType p ? p.IsInteger : counter.Type is EnumType);
                if (!isInteger)
                {
                    _diagnostics.Report(DiagnosticIds.BadCount, name.Span,
                        $"the tail '{f.Name}' is sized by '{counter.Name}', which is not an integer field");
                    return false;
                }
                countField = counter;
                return true;
            }
            var length = Evaluate(f.Count!);
            if (length == null) return false;
            if (length.Value < 1 || length.Value > MaxArrayLength)
            {
                // README: ISM0008 covers a count that is not a positive constant (0 or absurdly large).
                _diagnostics.Report(DiagnosticIds.BadCount, f.Count!.Span,
                    $"array length of '{f.Name}' {length.Value} is outside 1..{MaxArrayLength}");
                return false;
            }
            arrayLength = (int)length.Value;
            return true;
        }

        private void ApplySizeAttributes(StructType result, StructAttributesSyntax attributes, int contentSize)
        {
            if (attributes.Align != null)
            {
                var a = EvaluateInRange(attributes.Align, 1, 4096, "alignment");
                if (a != null)
                {
                    if ((a.Value & (a.Value - 1)) != 0)
                        _diagnostics.Report(DiagnosticIds.ValueOutOfRange, attributes.Align.Span, $"alignment {a.Value} is not a power of two");
                    else result.Align = (int)a.Value;
                }
            }
            if (attributes.Size != null)
            {
                var declared = EvaluateInRange(attributes.Size, 0, int.MaxValue, "size");
                if (declared != null && declared.Value != result.Size)
                    _diagnostics.Report(DiagnosticIds.LayoutMismatch, attributes.Size.Span,
                        $"'{result.Name}' is declared as {declared.Value} bytes but its fields take {contentSize}" +
                        (result.Align > 1 ? $" (size {result.Size} with alignment {result.Align})" : ""));
            }
        }

        private UnionType BindUnion(UnionSyntax syntax)
        {
            var union = new UnionType(syntax.Name, syntax.NameSpan, syntax.Doc);
            var views = new List<UnionView>();
            var names = new HashSet<string>();
            foreach (var v in syntax.Views)
            {
                CheckIdentifier(v.Name, v.NameSpan);
                if (!names.Add(v.Name))
                {
                    _diagnostics.Report(DiagnosticIds.DuplicateName, v.NameSpan, $"'{v.Name}' is already a view of '{syntax.Name}'");
                    continue;
                }
                StructType? view;
                if (v.Reference != null)
                {
                    var t = ResolveType(v.Reference.Name, v.Reference.Span);
                    view = t as StructType;
                    if (t != null && view == null)
                        _diagnostics.Report(DiagnosticIds.UnknownType, v.Reference.Span, $"view '{v.Name}' must be a struct, not '{t.Name}'");
                }
                else
                {
                    var inline = new StructType(syntax.Name + "_" + v.Name, v.NameSpan, v.Doc)
                    {
                        Union = union,
                        ViewName = v.Name,
                    };
                    view = BindFields(inline, v.Fields!, new StructAttributesSyntax { HostOrder = syntax.Attributes.HostOrder });
                    RegisterInlineStruct(view);
                }
                if (view != null) views.Add(new UnionView(v.Name, v.NameSpan, v.Doc, view));
            }
            union.Views = views;
            if (syntax.Attributes.Align != null)
            {
                var a = EvaluateInRange(syntax.Attributes.Align, 1, 4096, "alignment");
                if (a != null && (a.Value & (a.Value - 1)) == 0) union.Align = (int)a.Value;
                else if (a != null) _diagnostics.Report(DiagnosticIds.ValueOutOfRange, syntax.Attributes.Align.Span, $"alignment {a.Value} is not a power of two");
            }
            if (syntax.Attributes.Size != null)
            {
                var declared = EvaluateInRange(syntax.Attributes.Size, 0, int.MaxValue, "size");
                if (declared != null && declared.Value != union.Size)
                    _diagnostics.Report(DiagnosticIds.LayoutMismatch, syntax.Attributes.Size.Span,
                        $"'{union.Name}' is declared as {declared.Value} bytes but its views need {union.Size}");
            }
            return union;
        }

        /// <summary>Adds a struct declared inline (union view, command payload) to the spec's types.</summary>
        private void RegisterInlineStruct(StructType type)
        {
            if (_boundTypes.ContainsKey(type.Name) || _declarations.ContainsKey(type.Name)) return; // duplicate, reported in pass 1
            _boundTypes[type.Name] = type;
            _spec.Types.Add(type);
        }
    }
}
