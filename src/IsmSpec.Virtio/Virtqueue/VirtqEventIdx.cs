namespace IsmSpec.Virtio.Virtqueue;

/// <summary>
/// VIRTIO_F_EVENT_IDX notification suppression (virtio 1.x §2.7.7 Used Buffer Notification Suppression, §2.7.10
/// Available Buffer Notification Suppression; VIRTQ-EVENT-IDX-NOTIFY).
/// </summary>
public static class VirtqEventIdx
{
    /// <summary>
    /// The spec's vring_need_event: true when moving an index from <paramref name="oldIdx"/> to
    /// <paramref name="newIdx"/> passed <paramref name="eventIdx"/>, with 16-bit wrap-around.
    /// </summary>
    public static bool NeedEvent(ushort eventIdx, ushort newIdx, ushort oldIdx) =>
        (ushort)(newIdx - eventIdx - 1) < (ushort)(newIdx - oldIdx);
}
