using IsmSpec.Specs.VirtioIsm;
using IsmSpec.VirtioIsm.Host;

namespace IsmSpec.VirtioIsm.Device;

/// <summary>
/// The device's controlq commands (draft "Commands"), called by the generated <see cref="VirtioIsmCtrl.Dispatch"/>
/// with already decoded requests: no byte parsing here. Every refusal acks ERR (VISM-DEC-ACK-VALUES); the reason is
/// kept in <see cref="LastStatus"/>. Runs on the device's service thread only.
/// </summary>
internal sealed class ControlHandler : IVirtioIsmCtrlHandler
{
    private readonly VirtioIsmDevice _device;
    private readonly IsmHost _host;

    public ControlHandler(VirtioIsmDevice device, IsmHost host)
    {
        _device = device;
        _host = host;
    }

    public IsmStatus LastStatus { get; private set; }

    // ALLOC (draft statements 12-17).
    public VirtioIsmAck Alloc(in VirtioIsmAllocRequest request, ref VirtioIsmAllocReply reply)
    {
        var status = _host.Alloc(_device.Devid, request.SizeField, out ulong token, out ulong offset);
        if (status == IsmStatus.Ok)
        {
            reply.Token = token;
            reply.Offset = offset;
        }
        return Ack(status);
    }

    // ATTACH (statements 19-21).
    public VirtioIsmAck Attach(in VirtioIsmAttachRequest request, ref VirtioIsmAttachReply reply)
    {
        var status = _host.Attach(_device.Devid, request.Token, out ulong offset);
        if (status == IsmStatus.Ok) reply.Offset = offset;
        return Ack(status);
    }

    // DETACH (statements 22-24); VISM-DEC-DETACH-OWN: only a device holding a reference at the offset may detach it.
    public VirtioIsmAck Detach(in VirtioIsmDetachRequest request)
    {
        if (!_host.TrySlot(request.Offset, out int slot)) return Ack(IsmStatus.UnknownOffset);
        var status = _host.Detach(_device.Devid, slot);
        if (status == IsmStatus.Ok) _device.Router.UnbindVector(slot);
        return Ack(status);
    }

    // GRANT (statements 25-26).
    public VirtioIsmAck Grant(in VirtioIsmGrantRequest request)
    {
        if (!_host.TrySlot(request.Offset, out int slot)) return Ack(IsmStatus.UnknownOffset);
        return Ack(_host.Grant(_device.Devid, slot, request.PeerDevid, request.Permissions));
    }

    // EVENT_VECTOR (statement 27): needs EVENT_IRQ, a referenced region and a vector the device has.
    public VirtioIsmAck EventVector(in VirtioIsmEventVectorRequest request)
    {
        if (!_device.Router.EventIrq) return Ack(IsmStatus.FeatureNotNegotiated);
        if (!_host.TrySlot(request.Offset, out int slot) || !_host.Holds(_device.Devid, slot)) return Ack(IsmStatus.UnknownOffset);
        if (request.Vector >= (ulong)_device.Vectors.Count) return Ack(IsmStatus.BadArgument);
        _device.Router.BindVector(slot, (int)request.Vector);
        return Ack(IsmStatus.Ok);
    }

    private VirtioIsmAck Ack(IsmStatus status)
    {
        LastStatus = status;
        return status == IsmStatus.Ok ? VirtioIsmCtrl.Ok : VirtioIsmCtrl.Error;
    }
}
