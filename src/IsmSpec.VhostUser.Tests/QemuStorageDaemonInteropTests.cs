using System.Runtime.InteropServices;
using IsmSpec.Specs.VhostUser;
using IsmSpec.Specs.Virtio;
using IsmSpec.VhostUser.Blk;
using IsmSpec.VhostUser.Tests.Support;

namespace IsmSpec.VhostUser.Tests;

/// <summary>
/// The front-end against a back-end nobody here wrote: Debian's qemu-storage-daemon 7.2 with a vhost-user-blk export
/// (research §7.1, values measured in §8). Each test starts its own daemon and kills it afterwards.
/// </summary>
public sealed partial class QemuStorageDaemonInteropTests
{
    private static readonly string[] BlkFeatureNames =
    [
        "VIRTIO_BLK_F_SIZE_MAX", "VIRTIO_BLK_F_SEG_MAX", "VIRTIO_BLK_F_BLK_SIZE", "VIRTIO_BLK_F_FLUSH", "VIRTIO_BLK_F_TOPOLOGY",
        "VIRTIO_BLK_F_CONFIG_WCE", "VIRTIO_BLK_F_MQ", "VIRTIO_BLK_F_DISCARD", "VIRTIO_BLK_F_WRITE_ZEROES", "VIRTIO_F_NOTIFY_ON_EMPTY",
        "VHOST_F_LOG_ALL", "VIRTIO_F_INDIRECT_DESC", "VIRTIO_F_EVENT_IDX", "VHOST_USER_F_PROTOCOL_FEATURES", "VIRTIO_F_VERSION_1",
    ];

    [QemuFact]
    public void Null_device_negotiates_decodes_config_and_serves_id_read_and_unsupp()
    {
        using var daemon = QemuStorageDaemon.StartNull();
        using var blk = VirtioBlkClient.Connect(daemon.SocketPath);
        var n = blk.Session.Negotiation;

        Assert.Equal(0x175007e46UL, n.OfferedFeatures);                       // research §8
        Assert.Equal(BlkFeatureNames, VhostUserFeatureNames.Features(n.OfferedFeatures, VhostUserDeviceKind.Blk));
        Assert.True(VhostUserFeatureNames.DeviceBitsAreBlk(n.OfferedFeatures));
        var protocol = VhostUserFeatureNames.ProtocolFeatures(n.OfferedProtocolFeatures);
        // 0x8f2b measured; PAGEFAULT (bit 8) is offered only where userfaultfd works, so it may be missing in a container.
        Assert.Equal(0x8e2bUL, n.OfferedProtocolFeatures & ~(ulong)VhostUserProtocolFeatures.Pagefault);
        Assert.Subset(protocol.ToHashSet(), new HashSet<string> { "MQ", "LOG_SHMFD", "REPLY_ACK", "BACKEND_REQ", "CONFIG", "BACKEND_SEND_FD", "HOST_NOTIFIER", "CONFIGURE_MEM_SLOTS" });
        Assert.Equal((ulong)(VhostUserProtocolFeatures.ReplyAck | VhostUserProtocolFeatures.Mq | VhostUserProtocolFeatures.Config), n.ProtocolFeatures);
        Assert.Equal(1u, n.QueueCount);
        Assert.Equal(VirtioSpec.VirtioFVersion1 | VhostUserSpec.VhostUserFProtocolFeatures, blk.Session.Features & (VirtioSpec.VirtioFVersion1 | VhostUserSpec.VhostUserFProtocolFeatures));

        var config = Assert.NotNull(blk.Config);
        Assert.Equal(131072UL, config.Capacity);                               // 64 MiB / 512
        Assert.Equal(512u, config.BlkSize);
        Assert.Equal(126u, config.SegMax);
        Assert.Equal((ushort)1, config.NumQueues);

        Assert.Equal("vhost_user_blk", blk.GetId(out var idResult));
        Assert.Equal(new VirtioBlkResult(VirtioBlkStatus.Ok, 21), idResult);   // 20 id bytes + status

        byte[] sector = Enumerable.Repeat((byte)0xA5, 512).ToArray();
        Assert.Equal(new VirtioBlkResult(VirtioBlkStatus.Ok, 513), blk.Read(0, sector));
        Assert.All(sector, b => Assert.Equal(0, b));                           // read-zeroes=on

        Assert.Equal(new VirtioBlkResult(VirtioBlkStatus.Unsupp, 1), blk.Submit((VirtioBlkReqType)99, 0, default, default));

        var states = blk.Session.Stop();                                       // GET_VRING_BASE
        Assert.Equal(new VhostVringState { Index = 0, Num = 3 }, Assert.Single(states));
    }

    [QemuFact]
    public void File_device_with_two_queues_writes_sectors_and_reads_them_back()
    {
        using var daemon = QemuStorageDaemon.StartFile();
        var fe = VhostUserFrontEnd.Connect(daemon.SocketPath);
        using var session = VhostUserSession.Start(fe, new VhostUserSessionOptions { WantedFeatures = VirtioBlkClient.KnownFeatures, QueueCount = null });
        Assert.Equal(2u, session.Negotiation.QueueCount);
        Assert.Equal(2, session.Queues.Count);
        var q0 = new VirtioBlkClient(session, queue: 0);
        var q1 = new VirtioBlkClient(session, queue: 1);
        var config = Assert.NotNull(q0.Config);
        Assert.Equal(32768UL, config.Capacity);                                // 16 MiB / 512
        Assert.Equal((ushort)2, config.NumQueues);
        Assert.Equal(512u, config.BlkSize);

        byte[] data = new byte[4 * 512];
        new Random(8).NextBytes(data);
        Assert.Equal(VirtioBlkStatus.Ok, q0.Write(5, data).Status);
        Assert.Equal(VirtioBlkStatus.Ok, q0.Flush().Status);
        byte[] back = new byte[data.Length];
        var read = q1.Read(5, back);                                           // the other ring sees the same disk
        Assert.Equal(new VirtioBlkResult(VirtioBlkStatus.Ok, (uint)data.Length + 1), read);
        Assert.Equal(data, back);
        Assert.Equal(VirtioBlkStatus.Ok, q1.Read(32767, back.AsSpan(0, 512)).Status);
        Assert.Equal(VirtioBlkStatus.Ioerr, q1.Read(32768, back.AsSpan(0, 512)).Status); // past the end

        byte[] image = File.ReadAllBytes(daemon.ImagePath!);
        Assert.Equal(data, image.AsSpan(5 * 512, data.Length).ToArray());

        var states = session.Stop();
        Assert.Equal([new VhostVringState { Index = 0, Num = 2 }, new VhostVringState { Index = 1, Num = 3 }], states);
    }

    [QemuFact]
    public void The_export_accepts_a_new_front_end_after_one_leaves()
    {
        using var daemon = QemuStorageDaemon.StartNull();
        for (int i = 0; i < 2; i++)
        {
            using var fe = VhostUserFrontEnd.Connect(daemon.SocketPath);
            Assert.Equal(0x175007e46UL, fe.GetFeatures());
        }
    }

    [QemuFact]
    public void A_stopped_daemon_gives_a_timeout_not_a_hang()
    {
        using var daemon = QemuStorageDaemon.StartNull();
        using var fe = VhostUserFrontEnd.Connect(daemon.SocketPath);
        fe.ReplyTimeout = TimeSpan.FromMilliseconds(500);
        Assert.Equal(0, Kill(daemon.ProcessId, 19 /* SIGSTOP */));
        try
        {
            Assert.Throws<VhostUserTimeoutException>(() => fe.GetFeatures());
        }
        finally
        {
            Kill(daemon.ProcessId, 18 /* SIGCONT */);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
