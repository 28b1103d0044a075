using System.Buffers.Binary;
using IsmSpec.Conformance.Virtio;
using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Virtqueue;
using static IsmSpec.Conformance.Tests.Virtio.VirtioMutants;

namespace IsmSpec.Conformance.Tests.Virtio;

/// <summary>Deliberately broken drivers: the reference driver with one thing changed (its view of the transport, or memory).</summary>
internal static class VirtioDriverMutants
{
    internal class Driver : IVirtioDriverUnderTest
    {
        private readonly ReferenceVirtioDriver _reference = new();
        public string Name => $"mutant driver {GetType().Name}";
        public ulong KnownFeatures => _reference.KnownFeatures;
        public IReadOnlyList<(ulong Feature, ulong Requires)> FeatureDependencies => [];

        public IVirtioDriverInstance Create(VirtioDriverEnvironment env) =>
            Wrap(_reference.Create(env with { Transport = Wrap(env.Transport) }), env);

        protected virtual IVirtioTransport Wrap(IVirtioTransport inner) => inner;
        protected virtual IVirtioDriverInstance Wrap(IVirtioDriverInstance inner, VirtioDriverEnvironment env) => inner;
    }

    internal class Instance(IVirtioDriverInstance inner) : IVirtioDriverInstance
    {
        public virtual VirtqLayout? Initialize() => inner.Initialize();
        public virtual bool TryAdd(IReadOnlyList<byte[]> readable, IReadOnlyList<int> writable, out ushort head) => inner.TryAdd(readable, writable, out head);
        public void Kick() => inner.Kick();
        public IReadOnlyList<VirtqCompletion> OnInterrupt() => inner.OnInterrupt();
        public virtual void DisableInterrupts() => inner.DisableInterrupts();
        public void EnableInterrupts() => inner.EnableInterrupts();
        public byte[] ReadConfig(int offset, int length) => inner.ReadConfig(offset, length);
        public void Dispose() => inner.Dispose();
    }

    /// <summary>VIRTQ-AVAIL-IDX-NO-DECREMENT broken: after each add the driver steps avail idx back one, then forward again.</summary>
    internal sealed class RewindsAvailIdx : Driver
    {
        protected override IVirtioDriverInstance Wrap(IVirtioDriverInstance inner, VirtioDriverEnvironment env) => new I(inner, env.Memory);

        private sealed class I(IVirtioDriverInstance inner, IGuestMemory memory) : Instance(inner)
        {
            private VirtqLayout? _layout;
            public override VirtqLayout? Initialize() => _layout = base.Initialize();

            public override bool TryAdd(IReadOnlyList<byte[]> readable, IReadOnlyList<int> writable, out ushort head)
            {
                if (!base.TryAdd(readable, writable, out head) || _layout is not { } l) return false;
                ushort idx = BinaryPrimitives.ReadUInt16LittleEndian(memory.Get(l.AvailRing + 2, 2));
                BinaryPrimitives.WriteUInt16LittleEndian(memory.Get(l.AvailRing + 2, 2), (ushort)(idx - 1));
                BinaryPrimitives.WriteUInt16LittleEndian(memory.Get(l.AvailRing + 2, 2), idx);
                return true;
            }
        }
    }

    /// <summary>VIRTQ-EVENT-IDX-FLAGS-ZERO broken: NO_INTERRUPT is set even with EVENT_IDX negotiated.</summary>
    internal sealed class NoInterruptFlagWithEventIdx : Driver
    {
        protected override IVirtioDriverInstance Wrap(IVirtioDriverInstance inner, VirtioDriverEnvironment env) => new I(inner, env.Memory);

        private sealed class I(IVirtioDriverInstance inner, IGuestMemory memory) : Instance(inner)
        {
            private VirtqLayout? _layout;
            public override VirtqLayout? Initialize() => _layout = base.Initialize();

            public override void DisableInterrupts()
            {
                base.DisableInterrupts();
                if (_layout is { } l) BinaryPrimitives.WriteUInt16LittleEndian(memory.Get(l.AvailRing, 2), 1);
            }
        }
    }

    /// <summary>VIRTIO-INIT-ORDER broken: DRIVER_OK is written (alone) just before FEATURES_OK.</summary>
    internal sealed class DriverOkBeforeFeaturesOk : Driver
    {
        protected override IVirtioTransport Wrap(IVirtioTransport inner) => new T(inner);

        private sealed class T(IVirtioTransport inner) : Transport(inner)
        {
            public override VirtioDeviceStatus Status
            {
                get => base.Status;
                set
                {
                    if ((value & VirtioDeviceStatus.FeaturesOk) != 0 && (base.Status & VirtioDeviceStatus.FeaturesOk) == 0)
                        base.Status = (value & ~VirtioDeviceStatus.FeaturesOk) | VirtioDeviceStatus.DriverOk;
                    base.Status = value;
                }
            }
        }
    }

    /// <summary>VIRTIO-FEAT-DRIVER-SUBSET broken: the driver also accepts the lowest bit the device did not offer.</summary>
    internal sealed class AcceptsUnoffered : Driver
    {
        protected override IVirtioTransport Wrap(IVirtioTransport inner) => new T(inner);

        private sealed class T(IVirtioTransport inner) : Transport(inner)
        {
            public override ulong DriverFeatures
            {
                get => base.DriverFeatures;
                set => base.DriverFeatures = value | (~DeviceFeatures & (ulong)-(long)~DeviceFeatures);
            }
        }
    }

    /// <summary>VIRTIO-INIT-NO-KICK-BEFORE-DRIVER-OK broken: the driver "announces itself" with a kick before initializing.</summary>
    internal sealed class KicksEarly : Driver
    {
        protected override IVirtioDriverInstance Wrap(IVirtioDriverInstance inner, VirtioDriverEnvironment env) => new I(inner, env);

        private sealed class I(IVirtioDriverInstance inner, VirtioDriverEnvironment env) : Instance(inner)
        {
            public override VirtqLayout? Initialize()
            {
                env.Kick.Notify();
                return base.Initialize();
            }
        }
    }

    /// <summary>VIRTIO-INIT-FEATURES-OK-RECHECK broken: after writing FEATURES_OK the driver trusts its own copy of status.</summary>
    internal sealed class TrustsFeaturesOk : Driver
    {
        protected override IVirtioTransport Wrap(IVirtioTransport inner) => new T(inner);

        private sealed class T(IVirtioTransport inner) : Transport(inner)
        {
            private VirtioDeviceStatus? _written;

            public override VirtioDeviceStatus Status
            {
                get => _written ?? base.Status;
                set
                {
                    base.Status = value;
                    _written = (value & VirtioDeviceStatus.FeaturesOk) != 0 && (value & VirtioDeviceStatus.DriverOk) == 0 ? value : null;
                }
            }
        }
    }
}
