namespace IsmSpec.Conformance.Smc;

/// <summary>An SMC-D client as a conformance target: the dibs client-role suite and the smc suite over one adapter.</summary>
public class SmcTarget(ISmcdClientUnderTest client) : IConformanceTarget
{
    public ISmcdClientUnderTest ClientUnderTest { get; } = client;
    public string Name => ClientUnderTest.Name;
    public IEnumerable<ConformanceSuite> CreateSuites() => SmcTargets.Suites(ClientUnderTest);
}

/// <summary>The built-in SMC-D client target, for <c>ismspec conform</c> to merge into its device list.</summary>
public static class SmcTargets
{
    /// <summary>Name → factory; "smcd-reference" is IsmSpec's SMC-D client and stream (src/IsmSpec.Smc).</summary>
    public static IReadOnlyDictionary<string, Func<IConformanceTarget>> BuiltIn { get; } = new Dictionary<string, Func<IConformanceTarget>>
    {
        ["smcd-reference"] = () => new SmcTarget(new ReferenceSmcdClient()),
    };

    public static IReadOnlyList<ConformanceSuite> Suites(ISmcdClientUnderTest client) =>
        [new SmcdClientSuite(client), new SmcStreamSuite(client)];
}
