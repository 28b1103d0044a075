using System.Reflection;
using System.Runtime.CompilerServices;
using IsmSpec.Codecs.Tests.Support;

namespace IsmSpec.Codecs.Tests;

/// <summary>Checks that hold for every generated wire type of every shipped spec (found through SpecRegistry).</summary>
public class LayoutAllWireTypesTests
{
    public static TheoryData<string> WireTypes => WireTypeCatalog.TypeNames;

    [Theory]
    [MemberData(nameof(WireTypes))]
    public void Struct_size_equals_the_size_constant(string typeName) =>
        WireTypeCatalog.InvokeGeneric(typeof(LayoutAllWireTypesTests), nameof(SizeMatches), WireTypeCatalog.Resolve(typeName));

    private static void SizeMatches<T>() where T : unmanaged, IWireStruct<T>
    {
        Assert.Equal(WireTypeCatalog.SizeConstant(typeof(T)), Unsafe.SizeOf<T>());
        Assert.Equal(Unsafe.SizeOf<T>(), T.WireSize);
        Assert.Equal(T.SpecTypeName, typeof(T).GetCustomAttribute<SpecNameAttribute>()?.Name);
    }

    [Fact]
    public void Every_shipped_spec_lists_wire_types_and_the_registry_finds_all_six()
    {
        var specs = SpecRegistry.Shipped;
        Assert.Subset(specs.Select(s => $"{s.Name} {s.Version}").ToHashSet(),
            new HashSet<string> { "dibs 1", "s390-ism 1", "smc 1", "virtio 1", "virtio-ism 1", "virtio-ism 2" });
        Assert.All(specs, s => Assert.NotEmpty(s.WireTypes));
        Assert.True(WireTypeCatalog.All.Count() >= 79, "the six shipped specs declare at least 79 wire types");
    }

    [Fact]
    public void Command_descriptor_sizes_match_the_request_and_reply_types()
    {
        foreach (var spec in SpecRegistry.Shipped)
        {
            var bySpecName = spec.WireTypes.ToDictionary(t => t.GetCustomAttribute<SpecNameAttribute>()!.Name);
            foreach (var command in spec.Commands)
            {
                Assert.Equal(command.RequestSize, WireTypeCatalog.SizeConstant(bySpecName[command.RequestType!]));
                if (command.ReplyType is null) Assert.Equal(0, command.ReplySize);
                else Assert.Equal(command.ReplySize, WireTypeCatalog.SizeConstant(bySpecName[command.ReplyType]));
            }
        }
    }
}
