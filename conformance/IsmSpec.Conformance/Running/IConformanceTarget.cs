namespace IsmSpec.Conformance;

/// <summary>
/// A device (or set of devices) a conformance run targets: it names itself and hands out the suites to run,
/// each already bound to its adapter. Built-in targets are the reference devices; a third party implements
/// this in their own assembly and runs <c>ismspec conform --device assembly:PATH[:TYPE]</c>.
/// </summary>
public interface IConformanceTarget
{
    string Name { get; }
    IEnumerable<ConformanceSuite> CreateSuites();
}
