namespace IsmSpec.Cli.Tests;

/// <summary>
/// Small specs written to a temp folder, so the tests do not depend on the real transcription:
/// demo@1 (every field kind), demo@2 and other@1 (`config` is in all three: versions of one spec resolve to the
/// first, different specs are ambiguous).
/// </summary>
public sealed class TestSpecFolder : IDisposable
{
    public const string DemoTypes = """
        spec demo version 1;

        const NSLOTS = 2;
        feature DEMO_F_FAST = 3 "fast path";

        enum color : u8 { RED = 1; GREEN = 2; }
        flags perm : le32 { READ = 1 << 0; WRITE = 1 << 1; }
        bitfield ctl : be16 {
          ready : 0;
          kind : 1..3 as color;
          count : 4..11;
          reserved rsvd : 12..15;
        }

        struct hdr size 4 { be16 op @0; reserved be16 pad @2; }

        /// 42 bytes of fields, 48 with the alignment.
        struct packet align 8 {
          hdr head @0;
          le32 le_val @4;
          be32 be_val @8;
          color col @12;
          reserved u8 res[3] @13;
          perm access @16;
          ctl control @20;
          uuid id @22;
          le16 slots[NSLOTS] @38;
        }

        struct event { le16 num @0; be32 items[num] @2; }

        struct host_rec hostorder { h32 handle @0; hostonly h64 addr @4; }

        union cmd align 16 {
          view request { hdr head @0; be64 arg @4; }
          view response { hdr head @0; be16 ret @4; }
        }

        struct config { le64 gid @0; le64 size @8; }
        """;

    public const string DemoRequirements = """
        spec demo version 1;

        requirement DEMO-A-1 device MUST "the device zeroes a new packet" section "Packets";
        requirement DEMO-A-2 driver SHOULD NOT "the driver avoids slot 0" section "Slots" requires DEMO_F_FAST;
        requirement DEMO-A-3 client MAY "a client may ignore events" section "Events" untestable "no observable effect";
        """;

    public const string DemoV2 = """
        spec demo version 2;

        struct config { le64 gid @0; le32 flags @8; }

        requirement DEMO2-B-1 layer MUST NOT "the layer never reorders buffers" section "Ordering";
        """;

    public const string Other = """
        spec other version 1;

        struct widget { be64 w @0; }
        struct config { be32 other_id; }

        requirement OTHER-1 device MUST "the widget is big-endian" section "Widgets";
        """;

    public TestSpecFolder()
    {
        Path = Directory.CreateTempSubdirectory("ismspec-cli-tests-").FullName;
        Write("demo/v1/types.ism", DemoTypes);
        Write("demo/v1/requirements.ism", DemoRequirements);
        Write("demo/v2/types.ism", DemoV2);
        Write("other/types.ism", Other);
    }

    public string Path { get; }

    public void Write(string relativePath, string text)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    /// <summary>Runs ismspec in-process against these specs.</summary>
    public CliResult Run(params string[] args) => CliResult.Run(["--specs", Path, .. args]);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
