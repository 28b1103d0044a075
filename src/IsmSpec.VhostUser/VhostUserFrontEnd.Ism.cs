using IsmSpec.Specs.VhostUser;

namespace IsmSpec.VhostUser;

/// <summary>Front-end messages for the SHMEM extension, device reset and IsmSpec's private host control (<see cref="VhostUserIsm"/>).</summary>
public sealed partial class VhostUserFrontEnd
{
    /// <summary>SET_BACKEND_REQ_FD (needs BACKEND_REQ): hands the back-end one end of the back-end request channel.</summary>
    public void SetBackendReqFd(int fd)
    {
        RequireProtocol(VhostUserProtocolFeatures.BackendReq, "SET_BACKEND_REQ_FD");
        Call(VhostUserRequest.SetBackendReqFd, [], [fd], reply: false)?.Dispose();
    }

    /// <summary>GET_SHMEM_CONFIG (needs SHMEM, research §5.8): the size of shared memory region shmid = index, 0 = absent.</summary>
    public ulong[] GetShmemConfig()
    {
        RequireProtocol(VhostUserProtocolFeatures.Shmem, "GET_SHMEM_CONFIG");
        using var reply = Call(VhostUserRequest.GetShmemConfig, [], default, reply: true)!;
        if (!reply.TryReadExact(out VhostUserShmemConfig config))
            throw new VhostUserProtocolException(VhostUserError.MalformedReply, $"GET_SHMEM_CONFIG reply of {reply.Payload.Length} bytes, not {VhostUserShmemConfig.Size}");
        return Enumerable.Range(0, VhostUserShmemConfig.MemorySizesLength).Select(config.GetMemorySizes).ToArray();
    }

    /// <summary>RESET_DEVICE (needs RESET_DEVICE): rings disabled, device state reset; SHMEM mappings are gone (VHOST-SHMEM-RESET-DROPS).</summary>
    public void ResetDevice()
    {
        RequireProtocol(VhostUserProtocolFeatures.ResetDevice, "RESET_DEVICE");
        Call(VhostUserRequest.ResetDevice, [], default, reply: false)?.Dispose();
    }

    /// <summary>A round trip (GET_FEATURES): a back-end that works through kicks before messages has done the kicked work when it returns.</summary>
    public void Barrier() => GetFeatures();

    /// <summary>Private HOST_RESET: the served host re-created with this name and budget; null when the back-end does not offer the control.</summary>
    public HostInfo? HostReset(string hostName, int? memoryRegions)
    {
        try
        {
            using var reply = Call((VhostUserRequest)VhostUserIsm.HostResetRequest, VhostUserIsm.WriteHostReset(hostName, memoryRegions), default, reply: true)!;
            return HostInfo.TryRead(reply.Payload, out var info) ? info : null;
        }
        catch (VhostUserProtocolException e) when (e.Error is VhostUserError.ConnectionClosed or VhostUserError.UnexpectedReply or VhostUserError.Refused) { return null; }
        catch (VhostUserTimeoutException) { return null; }
    }

    /// <summary>Private DEVICE_GONE: waits until the back-end has torn down the connection of <paramref name="devid"/>.</summary>
    public bool WaitDeviceGone(ulong devid)
    {
        byte[] payload = new byte[VhostUserU64.Size];
        new VhostUserU64 { ValueField = devid }.TryWrite(payload);
        using var reply = Call((VhostUserRequest)VhostUserIsm.DeviceGoneRequest, payload, default, reply: true)!;
        return reply.TryReadExact(out VhostUserU64 v) && v.ValueField == 0;
    }
}
