using IsmSpec.Virtio.Memory;

namespace IsmSpec.Virtio.Tests.Support;

/// <summary>
/// Guest memory in the middle of a larger array, with guard bytes on both sides. Every span handed out is checked to
/// lie inside the window (counted in <see cref="Escapes"/>), and the guards can be checked for stray writes.
/// </summary>
internal sealed class GuardedMemory : IGuestMemory
{
    public const int GuardBytes = 4096;
    public const byte GuardValue = 0xCC;
    private readonly byte[] _array;
    private readonly ArrayGuestMemory _inner;

    public GuardedMemory(int length, ulong baseAddress = 0x1_0000)
    {
        _array = new byte[GuardBytes + length + GuardBytes];
        _array.AsSpan(0, GuardBytes).Fill(GuardValue);
        _array.AsSpan(GuardBytes + length).Fill(GuardValue);
        _inner = new ArrayGuestMemory(_array, GuardBytes, length, baseAddress);
    }

    public ulong BaseAddress => _inner.BaseAddress;
    public ulong Length => _inner.Length;
    public int Escapes { get; private set; }
    public Span<byte> Window => _array.AsSpan(GuardBytes, (int)_inner.Length);

    public bool TryGetSpan(ulong address, uint length, out Span<byte> span)
    {
        bool ok = _inner.TryGetSpan(address, length, out span);
        if (ok && span.Length > 0 && (!Window.Overlaps(span, out int offset) || offset < 0 || offset + span.Length > Window.Length))
            Escapes++;
        return ok;
    }

    public bool GuardsIntact =>
        !_array.AsSpan(0, GuardBytes).ContainsAnyExcept(GuardValue)
        && !_array.AsSpan(GuardBytes + (int)_inner.Length).ContainsAnyExcept(GuardValue);
}
