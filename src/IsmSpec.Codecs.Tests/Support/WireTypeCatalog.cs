using System.Reflection;
using System.Runtime.ExceptionServices;

namespace IsmSpec.Codecs.Tests.Support;

/// <summary>Every generated wire type of every shipped spec, and a way to run a generic check on one of them.</summary>
internal static class WireTypeCatalog
{
    public static IEnumerable<(ISpecInfo Spec, Type Type)> All =>
        SpecRegistry.Shipped.SelectMany(spec => spec.WireTypes.Select(type => (spec, type)));

    /// <summary>Full type names (v1 and v2 share simple names), for [MemberData].</summary>
    public static TheoryData<string> TypeNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var (_, type) in All) data.Add(type.FullName!);
            return data;
        }
    }

    public static Type Resolve(string fullName) => typeof(SpecRegistry).Assembly.GetType(fullName, throwOnError: true)!;

    /// <summary>The type's <c>Size</c> constant.</summary>
    public static int SizeConstant(Type type) =>
        (int)type.GetField("Size", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    /// <summary>Calls <paramref name="owner"/>.<paramref name="method"/>&lt;<paramref name="typeArgument"/>&gt;(), rethrowing what it throws.</summary>
    public static object? InvokeGeneric(Type owner, string method, Type typeArgument, params object?[] arguments)
    {
        var info = owner.GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new MissingMethodException(owner.Name, method);
        try
        {
            return info.MakeGenericMethod(typeArgument).Invoke(null, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
