namespace IsmSpec.Codecs;

/// <summary>
/// Implemented by every generated wire struct, bitfield and union. The struct's memory *is* the wire
/// image, so reading and writing are copies and a view over shared memory is a reinterpretation.
/// </summary>
public interface IWireStruct<T> where T : unmanaged, IWireStruct<T>
{
    /// <summary>Wire size in bytes (the struct's <c>Size</c> constant).</summary>
    static abstract int WireSize { get; }

    /// <summary>The name the spec gives the type.</summary>
    static abstract string SpecTypeName { get; }

    /// <summary>Copies the first <see cref="WireSize"/> bytes into a value; false (no throw) when too short.</summary>
    static abstract bool TryRead(ReadOnlySpan<byte> source, out T value);

    /// <summary>Copies the wire image out; false (nothing written) when the destination is too short.</summary>
    bool TryWrite(Span<byte> destination);

    /// <summary>Checks reserved fields and bits are zero and enum/flag values are defined.</summary>
    bool Validate(out string? error);
}
