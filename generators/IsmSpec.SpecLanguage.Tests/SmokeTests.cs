using IsmSpec.SpecLanguage.Binding;

namespace IsmSpec.SpecLanguage.Tests;

public class SmokeTests
{
    [Fact]
    public void Minimal_spec_binds_without_diagnostics()
    {
        var c = SpecCompilation.FromText(("a.ism", "spec demo version 1; struct s { le64 x @0; le32 y; }"));
        Assert.Empty(c.Diagnostics);
        Assert.Equal(12, c.Specs[0].FindType("s")!.Size);
    }
}
