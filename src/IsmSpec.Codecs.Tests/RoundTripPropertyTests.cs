using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs.Tests.Support;

namespace IsmSpec.Codecs.Tests;

/// <summary>
/// Round-trip properties for every generated wire type of every shipped spec, found through
/// SpecRegistry.Shipped and run through a generic helper (MakeGenericMethod). Fixed replay seed, 100 cases per type.
/// </summary>
public class RoundTripPropertyTests
{
    private const int Cases = 100;

    private delegate ref T ViewFunc<T>(Span<byte> memory);
    private delegate ref readonly T ReadOnlyViewFunc<T>(ReadOnlySpan<byte> memory);

    public static TheoryData<string> WireTypes => WireTypeCatalog.TypeNames;

    private static Gen<byte[]> BytesOfLength(int length) => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length);

    [Theory]
    [MemberData(nameof(WireTypes))]
    public void Read_then_write_reproduces_random_bytes_and_write_then_read_is_equal(string typeName) =>
        WireTypeCatalog.InvokeGeneric(typeof(RoundTripPropertyTests), nameof(ReadWriteRoundTrip), WireTypeCatalog.Resolve(typeName));

    private static void ReadWriteRoundTrip<T>() where T : unmanaged, IWireStruct<T>, IEquatable<T>
    {
        int size = T.WireSize;
        var property = Prop.ForAll(BytesOfLength(size + 3).ToArbitrary(), image =>
        {
            // only the first Size bytes are read, and only Size bytes are written
            Assert.True(T.TryRead(image, out var value));
            var written = new byte[size + 3];
            written.AsSpan().Fill(0xA5);
            Assert.True(value.TryWrite(written));
            Assert.Equal(image[..size], written[..size]);
            Assert.All(written[size..], b => Assert.Equal(0xA5, b));
            Assert.Equal(image[..size], WireStruct.ToArray(in value));

            Assert.True(T.TryRead(written, out var again));
            Assert.True(again.Equals(value));
            Assert.True(EqualityComparer<T>.Default.Equals(again, value));
            Assert.Equal(value.GetHashCode(), again.GetHashCode());
            return true;
        });
        PropertyRunner.Check(property, Cases, typeof(T).FullName!);
    }

    [Theory]
    [MemberData(nameof(WireTypes))]
    public void Every_buffer_shorter_than_the_size_is_refused_without_throwing_or_writing(string typeName) =>
        WireTypeCatalog.InvokeGeneric(typeof(RoundTripPropertyTests), nameof(ShortBuffersRefused), WireTypeCatalog.Resolve(typeName));

    private static void ShortBuffersRefused<T>() where T : unmanaged, IWireStruct<T>, IEquatable<T>
    {
        int size = T.WireSize;
        var pattern = new byte[size];
        pattern.AsSpan().Fill(0xA5);
        Assert.True(T.TryRead(pattern, out var value));
        var destination = new byte[size];
        for (int length = 0; length < size; length++)
        {
            Assert.False(T.TryRead(pattern.AsSpan(0, length), out var refused));
            Assert.True(refused.Equals(default));

            destination.AsSpan().Fill(0x5A);
            Assert.False(value.TryWrite(destination.AsSpan(0, length)));
            Assert.False(destination.AsSpan().ContainsAnyExcept((byte)0x5A), $"{typeof(T).Name}.TryWrite wrote into a {length}-byte buffer");
        }
    }

    [Theory]
    [MemberData(nameof(WireTypes))]
    public void View_aliases_the_memory_it_is_taken_over(string typeName) =>
        WireTypeCatalog.InvokeGeneric(typeof(RoundTripPropertyTests), nameof(ViewAliases), WireTypeCatalog.Resolve(typeName));

    private static void ViewAliases<T>() where T : unmanaged, IWireStruct<T>, IEquatable<T>
    {
        int size = T.WireSize;
        var view = typeof(T).GetMethod("View")!.CreateDelegate<ViewFunc<T>>();
        var readOnlyView = typeof(T).GetMethod("ReadOnlyView")!.CreateDelegate<ReadOnlyViewFunc<T>>();
        var property = Prop.ForAll(Gen.Two(BytesOfLength(size)).ToArbitrary(), pair =>
        {
            var (original, replacement) = pair;
            var memory = new byte[size + 1];
            original.CopyTo(memory, 0);
            ref T viewed = ref view(memory);
            Assert.True(Unsafe.AreSame(ref Unsafe.As<T, byte>(ref viewed), ref memory[0]));
            Assert.True(Unsafe.AreSame(ref viewed, ref WireStruct.View<T>(memory)));

            // a write through the view changes the memory
            T.TryRead(replacement, out var other);
            viewed = other;
            Assert.Equal(replacement, memory[..size]);

            // a write to the memory shows through both views
            memory[size - 1] ^= 0xFF;
            ref readonly T seen = ref readOnlyView(memory);
            Assert.Equal(memory[..size], WireStruct.AsBytes(in seen).ToArray());
            Assert.Equal(memory[..size], WireStruct.AsBytes(in viewed).ToArray());
            return true;
        });
        PropertyRunner.Check(property, Cases, typeof(T).FullName!);

        var tooShort = new byte[size - 1];
        Assert.Throws<ArgumentException>(() => { view(tooShort); });
        Assert.Throws<ArgumentException>(() => { readOnlyView(tooShort); });
    }

    [Fact]
    public void A_property_set_through_a_view_lands_in_shared_memory()
    {
        var memory = new byte[64];
        Specs.S390Ism.IsmRegDmb.View(memory).Request.Rgid = 0x0102030405060708;
        Assert.Equal(Bytes.Hex("01 02 03 04 05 06 07 08"), memory[32..40]);
        Specs.VirtioIsm.VirtioIsmConfig.View(memory).NotifySize = 0x10;
        Assert.Equal(0x10, memory[24]);
        MemoryMarshal.Write(memory.AsSpan(8), 0x99UL);
        Assert.Equal(0x99UL, Specs.VirtioIsm.VirtioIsmConfig.ReadOnlyView(memory).Devid);
    }
}
