using IsmSpec.Conformance.Smc;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.Smc;
using Xunit.Abstractions;
using static IsmSpec.Conformance.Tests.Smc.SmcMutants;

namespace IsmSpec.Conformance.Tests.Smc;

/// <summary>Each mutant breaks one rule; the full run (dibs client role + smc) must fail exactly that requirement and name it.</summary>
public class SmcMutantTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Mutants => new()
    {
        { nameof(SignalledPayload), DibsSpec.Ids.DibsClientSmcWriteOrder },
        { nameof(UnregisterTwice), DibsSpec.Ids.DibsClientBalancedCalls },
        { nameof(MaskPicksConnection), DibsSpec.Ids.DibsClientSmcIrqIgnoresMask },
        { nameof(EmptySignal), SmcSpec.Ids.SmcStreamNoEmptySignal },
        { nameof(VlanValid), DibsSpec.Ids.DibsClientSmcRegisterArgs },
        { nameof(FlagsAlsoInProd), SmcSpec.Ids.SmcCdcFlagsInCons },
        { nameof(GidLittleEndian), DibsSpec.Ids.DibsClientSmcGidConversion },
    };

    private static ProxiedReference Make(string name) => name switch
    {
        nameof(SignalledPayload) => new SignalledPayload(),
        nameof(UnregisterTwice) => new UnregisterTwice(),
        nameof(MaskPicksConnection) => new MaskPicksConnection(),
        nameof(EmptySignal) => new EmptySignal(),
        nameof(VlanValid) => new VlanValid(),
        nameof(FlagsAlsoInProd) => new FlagsAlsoInProd(),
        nameof(GidLittleEndian) => new GidLittleEndian(),
        _ => new ProxiedReference(),
    };

    private ConformanceReport Run(ISmcdClientUnderTest client)
    {
        var report = SmcReferenceTests.Run(client, new RunOptions(MaxTests: 10));
        output.WriteLine(SmcReferenceTests.Text(report));
        return report;
    }

    [Theory, MemberData(nameof(Mutants))]
    public void Each_mutant_fails_exactly_its_requirement(string mutant, string requirement)
    {
        var report = Run(Make(mutant));
        var failed = report.Results.Where(r => r.Status is not (RequirementStatus.Pass or RequirementStatus.NotApplicable)).ToList();
        Assert.True(failed.Count == 1 && failed[0].Requirement.Id == requirement, SmcReferenceTests.Text(report));
        Assert.Equal(RequirementStatus.Fail, failed[0].Status);
        Assert.NotNull(failed[0].Message);
        Assert.False(report.Passed);
    }

    [Fact]
    public void The_unmutated_proxy_passes_so_each_failure_is_the_mutation()
    {
        var report = Run(new ProxiedReference());
        Assert.True(report.Passed, SmcReferenceTests.Text(report));
    }
}
