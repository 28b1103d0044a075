namespace IsmSpec.Virtio.Memory;

/// <summary>Guest memory over a managed array (tests, in-process pairs). The array may be larger than the window.</summary>
public sealed class ArrayGuestMemory : IGuestMemory
{
    private readonly byte[] _array;
    private readonly int _start;
    private readonly int _length;

    /// <summary>A window of <paramref name="length"/> bytes of <paramref name="array"/> at <paramref name="start"/>,
    /// visible at guest addresses starting at <paramref name="baseAddress"/>.</summary>
    public ArrayGuestMemory(byte[] array, int start, int length, ulong baseAddress = 0)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (start > array.Length - length) throw new ArgumentOutOfRangeException(nameof(length), "window exceeds the array");
        _array = array;
        _start = start;
        _length = length;
        BaseAddress = baseAddress;
    }

    public ArrayGuestMemory(int length, ulong baseAddress = 0) : this(new byte[length], 0, length, baseAddress) { }

    public ulong BaseAddress { get; }
    public ulong Length => (ulong)_length;

    public bool TryGetSpan(ulong address, uint length, out Span<byte> span)
    {
        if (!GuestMemoryBounds.TryOffset(BaseAddress, (ulong)_length, address, length, out ulong offset))
        {
            span = default;
            return false;
        }
        span = _array.AsSpan(_start + (int)offset, (int)length);
        return true;
    }
}
