using System.Runtime.InteropServices;
using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.Smc;

namespace IsmSpec.Smc;

/// <summary>
/// SMC's software events over signal_event (rule 77; smc_ism.c smc_ism_signal_shutdown, smcd_handle_sw_event):
/// shutdown (0x80) and test link (0x83), both with trigger_irq ISM_EVENT_REQUEST_IR (1) and an 8-byte host-order
/// info {link-group id u32, vlan u16, code u16: 1 request, 2 response} (the generated <see cref="SmcdSwEventInfo"/>).
/// Without signal_event, sending is skipped and returns 0 (as smc_ism_signal_shutdown does).
/// </summary>
public static class SmcdSoftwareEvents
{
    /// <summary>The info word of a software event.</summary>
    public static ulong Info(uint lgrId, ushort vlanId, SmcdSwEventInfoCode code)
    {
        var info = new SmcdSwEventInfo { LgrId = lgrId, VlanId = vlanId, Code = code };
        Span<byte> bytes = stackalloc byte[SmcdSwEventInfo.Size];
        info.TryWrite(bytes);
        return MemoryMarshal.Read<ulong>(bytes);
    }

    /// <summary>The fields of an info word.</summary>
    public static SmcdSwEventInfo ParseInfo(ulong info)
    {
        Span<byte> bytes = stackalloc byte[SmcdSwEventInfo.Size];
        MemoryMarshal.Write(bytes, in info);
        SmcdSwEventInfo.TryRead(bytes, out var parsed);
        return parsed;
    }

    /// <summary>smc_ism_signal_shutdown: tell the peer that the link group <paramref name="lgrId"/> on <paramref name="vlanId"/> ends.</summary>
    public static int SignalShutdown(DibsDevice dev, ReadOnlySpan<byte> peerGid, uint lgrId, ushort vlanId) =>
        Signal(dev, peerGid, (uint)SmcSpec.SmcSwEventShutdown, Info(lgrId, vlanId, SmcdSwEventInfoCode.Request));

    /// <summary>A test-link request; the peer answers with a response carrying the same link group and vlan.</summary>
    public static int SendTestLink(DibsDevice dev, ReadOnlySpan<byte> peerGid, uint lgrId, ushort vlanId) =>
        Signal(dev, peerGid, (uint)SmcSpec.SmcSwEventTestlink, Info(lgrId, vlanId, SmcdSwEventInfoCode.Request));

    private static int Signal(DibsDevice dev, ReadOnlySpan<byte> peerGid, uint code, ulong info)
    {
        ArgumentNullException.ThrowIfNull(dev);
        if (dev.Ops is not IDibsDevOpsSignalEvent<DibsDevice, DibsClient> ops)
            return 0;
        return ops.SignalEvent(dev, peerGid, (uint)SmcSpec.IsmEventRequestIr, code, info);
    }

    /// <summary>
    /// smc_ism_event_work / smcd_handle_sw_event for one event: DEV events end every connection to the event's
    /// peer GID (all peers for an all-zero GID); BUF events are ignored; a test-link request is answered with a
    /// response to the sender's GID; a shutdown ends the connections to the sender on that vlan (the stream's
    /// connections are vlan 0). <paramref name="terminate"/> ends the connections to a peer GID.
    /// </summary>
    public static void Handle(DibsDevice dev, in DibsEvent ev, Action<byte[]> terminate)
    {
        var gid = ev.Gid.ToArray();
        switch (ev.Type)
        {
            case DibsEventType.DevEvent:
                terminate(gid);
                break;
            case DibsEventType.SwEvent:
                var info = ParseInfo(ev.Data);
                if (ev.Subtype == (uint)SmcSpec.SmcSwEventTestlink && info.Code == SmcdSwEventInfoCode.Request)
                    Signal(dev, gid, (uint)SmcSpec.SmcSwEventTestlink, Info(info.LgrId, info.VlanId, SmcdSwEventInfoCode.Response));
                else if (ev.Subtype == (uint)SmcSpec.SmcSwEventShutdown && info.VlanId == 0)
                    terminate(gid);
                break;
        }
    }
}
