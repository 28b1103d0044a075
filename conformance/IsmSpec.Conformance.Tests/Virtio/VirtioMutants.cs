using System.Buffers.Binary;
using IsmSpec.Conformance.Virtio;
using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Conformance.Tests.Virtio;

/// <summary>
/// Deliberately broken split-ring devices and drivers, each violating one requirement. They wrap the reference
/// implementations and change one thing: a transport, the queue engine, or memory written behind the reference's back.
/// </summary>
internal static class VirtioMutants
{
    // ---- devices ----

    /// <summary>A reference device whose transport and queue a subclass may wrap.</summary>
    internal class Device : IVirtioDeviceUnderTest
    {
        public string Name => $"mutant device {GetType().Name}";
        public IVirtioDeviceInstance Create() => new Instance(new ReferenceVirtioDevice().Create(), this);
        protected virtual IVirtioTransport Wrap(IVirtioTransport inner) => inner;
        protected virtual IVirtqDeviceQueue Wrap(IVirtqDeviceQueue inner, IGuestMemory memory, VirtqLayout layout, ushort start, INotifier interrupt, ulong features) => inner;

        private sealed class Instance(IVirtioDeviceInstance inner, Device mutant) : IVirtioDeviceInstance
        {
            public IVirtioTransport Transport { get; } = mutant.Wrap(inner.Transport);
            public int MaxQueueSize => inner.MaxQueueSize;
            public IVirtqDeviceQueue OpenQueue(IGuestMemory memory, VirtqLayout layout, ushort startIndex, INotifier interrupt) =>
                mutant.Wrap(inner.OpenQueue(memory, layout, startIndex, interrupt), memory, layout, startIndex, interrupt, ((VirtioDeviceState)inner.Transport).NegotiatedFeatures);
            public void Dispose() => inner.Dispose();
        }
    }

    internal class Queue(IVirtqDeviceQueue inner) : IVirtqDeviceQueue
    {
        public virtual bool TryPop(ReadOnlySpan<byte> response, out VirtqPopped? popped) => inner.TryPop(response, out popped);
        public virtual void Complete(ushort head) => inner.Complete(head);
        public virtual void NotifyIfNeeded() => inner.NotifyIfNeeded();
    }

    internal class Transport(IVirtioTransport inner) : IVirtioTransport
    {
        public virtual VirtioDeviceStatus Status { get => inner.Status; set => inner.Status = value; }
        public ulong DeviceFeatures => inner.DeviceFeatures;
        public virtual ulong DriverFeatures { get => inner.DriverFeatures; set => inner.DriverFeatures = value; }
        public uint ConfigGeneration => inner.ConfigGeneration;
        public int ConfigLength => inner.ConfigLength;
        public virtual void ReadConfig(int offset, Span<byte> destination) => inner.ReadConfig(offset, destination);
        public bool WriteConfig(int offset, ReadOnlySpan<byte> source) => inner.WriteConfig(offset, source);
    }

    /// <summary>VIRTQ-USED-LEN-BEFORE-IDX broken: used idx is bumped first, the element written afterwards.</summary>
    internal sealed class IdxBeforeLen : Device
    {
        protected override IVirtqDeviceQueue Wrap(IVirtqDeviceQueue inner, IGuestMemory memory, VirtqLayout layout, ushort start, INotifier interrupt, ulong features) =>
            new Q(inner, memory, layout);

        private sealed class Q(IVirtqDeviceQueue inner, IGuestMemory memory, VirtqLayout layout) : Queue(inner)
        {
            public override void Complete(ushort head)
            {
                var idx = memory.Get(layout.UsedRing + 2, 2);
                BinaryPrimitives.WriteUInt16LittleEndian(idx, (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(idx) + 1));
                memory.Get(layout.UsedRing, 2);            // a separate access: the early idx is visible on its own
                base.Complete(head);                        // then the element (and the same idx again)
            }
        }
    }

    /// <summary>VIRTQ-DEVICE-NO-WRITE-READABLE broken: after reading a direct chain, the device zeroes its readable buffers.</summary>
    internal sealed class ScribblesReadable : Device
    {
        protected override IVirtqDeviceQueue Wrap(IVirtqDeviceQueue inner, IGuestMemory memory, VirtqLayout layout, ushort start, INotifier interrupt, ulong features) =>
            new Q(inner, memory, layout);

        private sealed class Q(IVirtqDeviceQueue inner, IGuestMemory memory, VirtqLayout layout) : Queue(inner)
        {
            public override bool TryPop(ReadOnlySpan<byte> response, out VirtqPopped? popped)
            {
                if (!base.TryPop(response, out popped)) return false;
                int index = popped!.Head;
                for (int n = 0; n < layout.QueueSize; n++)
                {
                    VirtqDesc.TryRead(memory.Get(layout.DescAddress(index), VirtqDesc.Size), out var d);
                    if (d.Flags.Indirect) break;
                    if (!d.Flags.Write && memory.TryGetSpan(d.Addr, d.Len, out var buffer)) buffer.Clear();
                    if (!d.Flags.Next || d.Next >= layout.QueueSize) break;
                    index = d.Next;
                }
                return true;
            }
        }
    }

    /// <summary>VIRTQ-DEVICE-NO-WRITE-DESC-TABLE broken: completing a chain zeroes its head descriptor's len ("consumed").</summary>
    internal sealed class ClearsDescriptor : Device
    {
        protected override IVirtqDeviceQueue Wrap(IVirtqDeviceQueue inner, IGuestMemory memory, VirtqLayout layout, ushort start, INotifier interrupt, ulong features) =>
            new Q(inner, memory, layout);

        private sealed class Q(IVirtqDeviceQueue inner, IGuestMemory memory, VirtqLayout layout) : Queue(inner)
        {
            public override void Complete(ushort head)
            {
                base.Complete(head);
                VirtqDesc.View(memory.Get(layout.DescAddress(head), VirtqDesc.Size)).Len = 0;
            }
        }
    }

    /// <summary>VIRTQ-EVENT-IDX-NOTIFY broken: need_event without the "- 1" (interrupts when used idx reaches used_event, not passes it).</summary>
    internal sealed class EventIdxOffByOne : Device
    {
        protected override IVirtqDeviceQueue Wrap(IVirtqDeviceQueue inner, IGuestMemory memory, VirtqLayout layout, ushort start, INotifier interrupt, ulong features) =>
            (features & VirtioSpec.VirtioFEventIdx) == 0 ? inner : new Q(inner, memory, layout, start, interrupt);

        private sealed class Q(IVirtqDeviceQueue inner, IGuestMemory memory, VirtqLayout layout, ushort start, INotifier interrupt) : Queue(inner)
        {
            private ushort _signalled = start;

            public override void NotifyIfNeeded()
            {
                ushort now = BinaryPrimitives.ReadUInt16LittleEndian(memory.Get(layout.UsedRing + 2, 2));
                ushort usedEvent = BinaryPrimitives.ReadUInt16LittleEndian(memory.Get(layout.UsedEventAddress, 2));
                if (now != _signalled && (ushort)(now - usedEvent) < (ushort)(now - _signalled)) interrupt.Notify();
                _signalled = now;
            }
        }
    }

    /// <summary>VIRTIO-CFG-READABLE-EARLY broken: config reads as zeros until FEATURES_OK.</summary>
    internal sealed class ConfigHiddenEarly : Device
    {
        protected override IVirtioTransport Wrap(IVirtioTransport inner) => new T(inner);

        private sealed class T(IVirtioTransport inner) : Transport(inner)
        {
            public override void ReadConfig(int offset, Span<byte> destination)
            {
                if ((Status & VirtioDeviceStatus.FeaturesOk) == 0) destination.Clear();
                else base.ReadConfig(offset, destination);
            }
        }
    }

    /// <summary>VIRTIO-STATUS-RESET-ZERO broken: DEVICE_NEEDS_RESET survives the reset.</summary>
    internal sealed class StickyNeedsReset : Device
    {
        protected override IVirtioTransport Wrap(IVirtioTransport inner) => new T(inner);

        private sealed class T(IVirtioTransport inner) : Transport(inner)
        {
            private bool _sticky;

            public override VirtioDeviceStatus Status
            {
                get
                {
                    var s = base.Status;
                    _sticky |= (s & VirtioDeviceStatus.DeviceNeedsReset) != 0;
                    return _sticky ? s | VirtioDeviceStatus.DeviceNeedsReset : s;
                }
                set
                {
                    if (value == 0 && (base.Status & VirtioDeviceStatus.DeviceNeedsReset) != 0) _sticky = true;
                    base.Status = value;
                }
            }
        }
    }
}
