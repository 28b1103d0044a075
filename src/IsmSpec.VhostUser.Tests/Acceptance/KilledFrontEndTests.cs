using IsmSpec.VhostUser.Tests.Support;

namespace IsmSpec.VhostUser.Tests.Acceptance;

/// <summary>
/// A front-end process that dies (SIGKILL) in the middle of its work has its devices unplugged and its regions
/// released, while another front-end keeps being served. The dying front-end is the built CLI running the virtio-ism
/// suite over vhost-user against an in-process back-end.
/// </summary>
public class KilledFrontEndTests
{
    [Fact]
    public void A_killed_front_end_process_has_its_regions_released_and_others_keep_working()
    {
        using var bed = new IsmBed(new VirtioIsm.Host.IsmHostOptions { RegionCount = 16, RegionSize = 8192, MaxReferencesPerDevice = 6, VectorCount = 4 });
        using var child = ChildProcess.StartCli("conform", "--device", $"vhost-user:{bed.SocketPath}", "--max-tests", "1000", "--filter", "VISM-ALLOC-*");
        try
        {
            Assert.True(IsmBed.Eventually(() => bed.BackEnd.Host.RegionsInUse > 0, 30_000), "the child never held a region");
            child.Kill();
            Assert.True(child.WaitForExit(10_000));
            Assert.True(IsmBed.Eventually(() => bed.BackEnd.ConnectionCount == 0 && bed.BackEnd.Host.RegionsInUse == 0, 5000),
                $"after the kill: {bed.BackEnd.ConnectionCount} connections, {bed.BackEnd.Host.RegionsInUse} regions in use");
            using var survivor = bed.Guest();
            Assert.NotNull(IsmBed.Alloc(survivor, 8192));
        }
        finally
        {
            if (!child.HasExited) child.Kill();
        }
    }
}
