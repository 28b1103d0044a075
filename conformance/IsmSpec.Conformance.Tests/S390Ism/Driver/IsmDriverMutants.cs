using System.Buffers.Binary;
using IsmSpec.Conformance.S390Ism.Driver;
using IsmSpec.Dibs;
using IsmSpec.IsmDriver;
using IsmSpec.S390Ism;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.Tests.S390Ism.Driver;

/// <summary>
/// Deliberately broken ISM drivers, each violating exactly one driver rule: the reference driver (IsmDibsDriver) behind
/// a shim between it and the suite's recording function, so the suite sees a driver that behaves differently in one
/// respect. (Header-before-body is not among them: that rings the doorbell with a stale body, probe fails, and every
/// requirement fails at once — caught, but not by exactly one.)
/// </summary>
internal static class IsmDriverMutants
{
    /// <summary>The reference driver over <see cref="Shim"/>; the unmutated shim forwards everything.</summary>
    internal class Mutant(string name) : IIsmDriverUnderTest
    {
        private readonly ReferenceIsmDriver _reference = new();
        public string Name => name;

        public DibsResult<IIsmProbedDriver> Probe(DibsLayer layer, IIsmPci pci, uint uid, uint fid)
        {
            var shim = Wrap(pci);
            shim.Layer = layer;
            var probed = _reference.Probe(layer, shim, uid, fid);
            if (probed.IsOk) shim.Device = probed.Value.Device;
            return probed;
        }

        protected virtual Shim Wrap(IIsmPci pci) => new(pci);
    }

    internal class Shim(IIsmPci inner) : IIsmPci
    {
        protected IIsmPci Inner { get; } = inner;
        public DibsLayer? Layer { get; set; }
        public DibsDevice? Device { get; set; }
        protected uint LastCmd { get; private set; }
        protected byte[] LastBody { get; private set; } = [];
        protected ulong? IeqAddress { get; private set; }

        public ushort Pchid => Inner.Pchid;
        public IsmHostMemory HostMemory => Inner.HostMemory;
        public object HostSync => Inner.HostSync;

        public virtual void StoreCommand(int offset, ReadOnlySpan<byte> data)
        {
            if (offset != 0) LastBody = data.ToArray();
            else
            {
                LastCmd = BinaryPrimitives.ReadUInt32BigEndian(data);
                if (LastCmd == IsmCommands.RegIeqCode) IeqAddress = BinaryPrimitives.ReadUInt64BigEndian(LastBody);
                BeforeDoorbell(LastCmd, LastBody);
            }
            Inner.StoreCommand(offset, data);
        }

        protected virtual void BeforeDoorbell(uint code, byte[] body) { }
        public virtual bool LoadCommand(int offset, Span<byte> eightBytes) => Inner.LoadCommand(offset, eightBytes);
        public virtual IsmRet StoreBlock(ulong dmbReq, ReadOnlySpan<byte> chunk) => Inner.StoreBlock(dmbReq, chunk);
        public virtual void RequestIrq(Action handler) => Inner.RequestIrq(handler);
        public void FreeIrq() => Inner.FreeIrq();
    }

    /// <summary>ISM-CMD-STORE-SEQUENCE broken: after a response header with ret ≠ 0 it still loads the next 8 bytes.</summary>
    internal sealed class LoadsAfterFailure() : Mutant("loads after a failed response")
    {
        protected override Shim Wrap(IIsmPci pci) => new S(pci);

        private sealed class S(IIsmPci inner) : Shim(inner)
        {
            public override bool LoadCommand(int offset, Span<byte> eightBytes)
            {
                bool ok = Inner.LoadCommand(offset, eightBytes);
                if (offset == 0 && (eightBytes[4] | eightBytes[5]) != 0) Inner.LoadCommand(8, stackalloc byte[8]);
                return ok;
            }
        }
    }

    /// <summary>ISM-MOVE-SF-LAST broken: every store block carries sf.</summary>
    internal sealed class SfOnEveryChunk() : Mutant("sf on every chunk")
    {
        protected override Shim Wrap(IIsmPci pci) => new S(pci);

        private sealed class S(IIsmPci inner) : Shim(inner)
        {
            public override IsmRet StoreBlock(ulong dmbReq, ReadOnlySpan<byte> chunk) => Inner.StoreBlock(dmbReq | 1UL << 23, chunk);
        }
    }

    /// <summary>
    /// ISM-MOVE-CHUNK-4K broken: a chunk that continues right after a 4 KiB boundary is stored together with the last byte
    /// before it (one store block from boundary − 1: it crosses the boundary). Every byte still lands where it belongs.
    /// </summary>
    internal sealed class ChunkCrosses4K() : Mutant("a chunk crossing 4 KiB")
    {
        protected override Shim Wrap(IIsmPci pci) => new S(pci);

        private sealed class S(IIsmPci inner) : Shim(inner)
        {
            private ulong _key = ulong.MaxValue, _end;
            private byte _last;

            public override IsmRet StoreBlock(ulong dmbReq, ReadOnlySpan<byte> chunk)
            {
                ulong key = dmbReq >> 24, offset = dmbReq & 0x7F_FFFF;
                bool cross = key == _key && offset == _end && offset % 4096 == 0 && chunk.Length > 0;
                byte before = _last;
                (_key, _end) = (key, offset + (ulong)chunk.Length);
                if (chunk.Length > 0) _last = chunk[^1];
                return cross ? Inner.StoreBlock(dmbReq - 1, [before, .. chunk]) : Inner.StoreBlock(dmbReq, chunk);
            }

            public override void StoreCommand(int offset, ReadOnlySpan<byte> data)
            {
                _key = ulong.MaxValue;
                base.StoreCommand(offset, data);
            }
        }
    }

    /// <summary>ISM-REG-DMB-RESULT broken: the owner is recorded when REG_DMB is sent, and stays when the device refuses it.</summary>
    internal sealed class OwnerBeforeSuccess() : Mutant("owner recorded before REG_DMB succeeds")
    {
        protected override Shim Wrap(IIsmPci pci) => new S(pci);

        private sealed class S(IIsmPci inner) : Shim(inner)
        {
            protected override void BeforeDoorbell(uint code, byte[] body)
            {
                if (code != IsmCommands.RegDmbCode || Device is null || Layer?.Clients.FirstOrDefault(c => c is not null) is not { } client) return;
                uint idx = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(12));
                if (idx >= 32) Device.SetDmbOwner(idx - 32, client);
            }
        }
    }

    /// <summary>ISM-IEQ-EVENT-MAPPING broken: IEQ types 0 and 1 are read swapped, so BUF entries become DEV events and vice versa.</summary>
    internal sealed class BufDevSwapped() : Mutant("IEQ BUF/DEV types swapped")
    {
        protected override Shim Wrap(IIsmPci pci) => new S(pci);

        private sealed class S(IIsmPci inner) : Shim(inner)
        {
            public override void RequestIrq(Action handler) => Inner.RequestIrq(() =>
            {
                Swap();
                handler();
                Swap();
            });

            private void Swap()
            {
                if (IeqAddress is not { } at) return;
                lock (HostSync)
                    foreach (ref var e in IsmEq.View(HostMemory.Span(at, IsmEq.Size)).Entry)
                        if (e.Type <= 1) e.Type ^= 1;
            }
        }
    }

    /// <summary>ISM-INIT-FAILURE-EIO broken: UNREG_SBA / UNREG_IEQ answered 0xFFFF are not tolerated (read as a failure).</summary>
    internal sealed class UnregErrorNotTolerated() : Mutant("UNREG_SBA/IEQ 0xFFFF not tolerated")
    {
        protected override Shim Wrap(IIsmPci pci) => new S(pci);

        private sealed class S(IIsmPci inner) : Shim(inner)
        {
            public override bool LoadCommand(int offset, Span<byte> eightBytes)
            {
                bool ok = Inner.LoadCommand(offset, eightBytes);
                if (offset == 0 && (LastCmd is IsmCommands.UnregSbaCode or IsmCommands.UnregIeqCode) && eightBytes[4] == 0xFF && eightBytes[5] == 0xFF)
                    (eightBytes[4], eightBytes[5]) = (0x00, 0x02); // read as BAD_STATE
                return ok;
            }
        }
    }
}
