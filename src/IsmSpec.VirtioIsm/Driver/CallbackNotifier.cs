using IsmSpec.Virtio.Notify;

namespace IsmSpec.VirtioIsm.Driver;

/// <summary>An in-process interrupt target: "firing" runs the driver's handler on the firing thread.</summary>
internal sealed class CallbackNotifier(Action handler) : INotifier
{
    public void Notify() => handler();

    public bool Wait(int timeoutMs) => throw new NotSupportedException("a callback notifier is not waited on");
}
