using System.Buffers.Binary;
using IsmSpec.Conformance.S390Ism;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.Tests.S390Ism;

/// <summary>
/// Deliberately broken s390 ISM devices, each violating exactly one requirement. They decorate the reference
/// adapter's raw paths (command area, store blocks, host memory, interrupt count) without touching the device:
/// a spy follows REG_SBA/REG_IEQ/REG_DMB answers to know where each function's areas and DMBs are, and a mutant
/// rewrites one thing the device wrote.
/// </summary>
internal static class IsmMutants
{
    internal sealed record DmbInfo(int Owner, int SbaIdx, int Len);

    /// <summary>The unmutated decorator: forwards everything and tracks areas and DMBs.</summary>
    internal class Spy : IIsmFunctionAdapter
    {
        private readonly S390IsmAdapter _inner = new();
        public virtual string Name => "spied s390-ism";

        public IsmTestBed Create(int functions, int hostMemory)
        {
            var bed = _inner.Create(functions, hostMemory);
            var state = new State();
            state.Ports.AddRange(bed.Functions.Select((p, i) => new Port(this, state, p, i)));
            return new IsmTestBed(state.Ports, bed.Dispose) { InterruptLatency = bed.InterruptLatency };
        }

        internal sealed class State
        {
            public List<Port> Ports { get; } = [];
            public Dictionary<int, ulong> Sba { get; } = [];
            public Dictionary<int, ulong> Ieq { get; } = [];
            public Dictionary<ulong, DmbInfo> Dmbs { get; } = [];
        }

        /// <summary>Runs before the doorbell; the default does nothing.</summary>
        protected internal virtual void BeforeCommand(State state, Port port, byte[] request) { }
        /// <summary>May rewrite the response the driver will load.</summary>
        protected internal virtual void AfterCommand(State state, Port port, byte[] request, byte[] response) { }
        protected internal virtual ushort Store(State state, Port port, ulong word, ReadOnlySpan<byte> chunk) => port.Inner.StoreBlock(word, chunk);
        protected internal virtual long Interrupts(Port port) => port.Inner.Interrupts;

        internal sealed class Port(Spy spy, State state, IIsmFunctionPort inner, int index) : IIsmFunctionPort
        {
            private byte[] _request = [];
            private readonly byte[] _response = new byte[256];
            public IIsmFunctionPort Inner { get; } = inner;
            public int Index { get; } = index;
            public long Hidden { get; set; }

            public ulong Gid => Inner.Gid;
            public (ulong Start, ulong End) HostRange => Inner.HostRange;
            public ulong Allocate(int length) => Inner.Allocate(length);
            public void ReadMemory(ulong dma, Span<byte> into) => Inner.ReadMemory(dma, into);
            public void WriteMemory(ulong dma, ReadOnlySpan<byte> bytes) => Inner.WriteMemory(dma, bytes);
            public long Interrupts => spy.Interrupts(this);
            public ushort StoreBlock(ulong dmbReq, ReadOnlySpan<byte> chunk) => spy.Store(state, this, dmbReq, chunk);
            public void ReadResponse(Span<byte> into) => _response.AsSpan(0, into.Length).CopyTo(into);

            public void WriteCommand(ReadOnlySpan<byte> block)
            {
                _request = block.ToArray();
                Inner.WriteCommand(block);
            }

            public void Execute()
            {
                spy.BeforeCommand(state, this, _request);
                Inner.Execute();
                Inner.ReadResponse(_response);
                Track(_request, _response);
                spy.AfterCommand(state, this, _request, _response);
            }

            private void Track(byte[] request, byte[] response)
            {
                uint cmd = BinaryPrimitives.ReadUInt32BigEndian(request);
                if (BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(4)) != 0) return;
                ulong Be64(int at) => BinaryPrimitives.ReadUInt64BigEndian(request.AsSpan(at));
                switch (cmd)
                {
                    case IsmCommands.RegSbaCode: state.Sba[Index] = Be64(8); break;
                    case IsmCommands.RegIeqCode: state.Ieq[Index] = Be64(8); break;
                    case IsmCommands.UnregSbaCode: state.Sba.Remove(Index); break;
                    case IsmCommands.UnregIeqCode: state.Ieq.Remove(Index); break;
                    case IsmCommands.RegDmbCode:
                        var req = IsmRegDmbRequest.ReadOnlyView(request);
                        state.Dmbs[BinaryPrimitives.ReadUInt64BigEndian(response.AsSpan(8))] = new DmbInfo(Index, (int)req.SbaIdx, (int)req.DmbLen);
                        break;
                }
            }
        }

        /// <summary>The owner's SBA address and the DMB a store word names, when both are known.</summary>
        protected static (Port Owner, ulong Sba, DmbInfo Dmb)? Target(State state, ulong word)
        {
            ulong token = word & 0xFFFF_FFFF_0000_0000;
            if (!state.Dmbs.TryGetValue(token, out var dmb) || !state.Sba.TryGetValue(dmb.Owner, out var sba)) return null;
            return (state.Ports[dmb.Owner], sba, dmb);
        }
    }

    /// <summary>ISM-BYTE-ORDER-BE broken: a successful response's hdr.len is written little-endian.</summary>
    internal sealed class ResponseLenLittleEndian : Spy
    {
        protected internal override void AfterCommand(State state, Port port, byte[] request, byte[] response)
        {
            if (response[4] == 0 && response[5] == 0) (response[6], response[7]) = (response[7], response[6]);
        }
    }

    /// <summary>ISM-DEV-RET-CODES broken: an unknown command code is answered with ret 0.</summary>
    internal sealed class UnknownCommandOk : Spy
    {
        protected internal override void AfterCommand(State state, Port port, byte[] request, byte[] response)
        {
            if (!IsmCommands.Commands.Any(c => c.Code == BinaryPrimitives.ReadUInt32BigEndian(request))) response[4] = response[5] = 0;
        }
    }

    /// <summary>ISM-SIGNAL-SBA-UPDATE broken: a signalled store leaves the SBA DMB bit clear.</summary>
    internal sealed class SbaBitNotSet : Spy
    {
        protected internal override ushort Store(State state, Port port, ulong word, ReadOnlySpan<byte> chunk)
        {
            var code = base.Store(state, port, word, chunk);
            if (code == 0 && IsmDmbReq.FromValue(word).Sf && Target(state, word) is var (owner, sba, dmb))
            {
                var at = sba + 4 + (ulong)(dmb.SbaIdx / 8);
                var b = new byte[1];
                owner.ReadMemory(at, b);
                owner.WriteMemory(at, [(byte)(b[0] & ~(0x80 >> (dmb.SbaIdx % 8)))]);
            }
            return code;
        }
    }

    /// <summary>ISM-DEV-DMBE-MASK broken: the signal bit for idx is LSB-first bit idx mod 16 instead of rotate_right_16(0x1000, idx).</summary>
    internal sealed class WrongDmbeBit : Spy
    {
        protected internal override ushort Store(State state, Port port, ulong word, ReadOnlySpan<byte> chunk)
        {
            var req = IsmDmbReq.FromValue(word);
            if (!req.Sf || Target(state, word) is not var (owner, sba, dmb)) return base.Store(state, port, word, chunk);
            var at = sba + 256 + 2 * (ulong)dmb.SbaIdx;
            var before = new byte[2];
            owner.ReadMemory(at, before);
            var code = base.Store(state, port, word, chunk);
            if (code == 0)
            {
                var mask = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(before) | 1 << (req.Idx % 16));
                BinaryPrimitives.WriteUInt16BigEndian(before, mask);
                owner.WriteMemory(at, before);
            }
            return code;
        }
    }

    /// <summary>ISM-IEQ-LAYOUT-IDX broken: entries are written, but header.idx is never advanced.</summary>
    internal sealed class IeqIdxStuck : Spy
    {
        private readonly Dictionary<int, (ulong Ieq, byte[] Idx)> _saved = [];

        protected internal override void BeforeCommand(State state, Port port, byte[] request)
        {
            _saved.Clear();
            foreach (var (f, ieq) in state.Ieq)
            {
                var idx = new byte[8];
                state.Ports[f].ReadMemory(ieq, idx);
                _saved[f] = (ieq, idx);
            }
        }

        protected internal override void AfterCommand(State state, Port port, byte[] request, byte[] response)
        {
            foreach (var (f, (ieq, idx)) in _saved)
                if (state.Ieq.TryGetValue(f, out var now) && now == ieq) state.Ports[f].WriteMemory(ieq, idx);
        }
    }

    /// <summary>ISM-DEV-MOVE-CHECKS broken: a store running past dmb_len is accepted (the in-bounds part is written).</summary>
    internal sealed class StorePastEnd : Spy
    {
        protected internal override ushort Store(State state, Port port, ulong word, ReadOnlySpan<byte> chunk)
        {
            var req = IsmDmbReq.FromValue(word);
            int offset = (int)req.Offset;
            bool inPage = chunk.Length is > 0 and <= 4096 && offset % 4096 + chunk.Length <= 4096;
            if (inPage && state.Dmbs.TryGetValue(word & 0xFFFF_FFFF_0000_0000, out var dmb) && offset < dmb.Len && offset + chunk.Length > dmb.Len)
                return base.Store(state, port, word, chunk[..(dmb.Len - offset)]);
            return base.Store(state, port, word, chunk);
        }
    }

    /// <summary>ISM-DEV-IRQ broken: interrupts are coalesced — a signalled store raises none while the summary bit is still set.</summary>
    internal sealed class CoalescedInterrupts : Spy
    {
        protected internal override ushort Store(State state, Port port, ulong word, ReadOnlySpan<byte> chunk)
        {
            var status = new byte[1];
            var target = IsmDmbReq.FromValue(word).Sf ? Target(state, word) : null;
            if (target is var (owner, sba, _)) owner.ReadMemory(sba, status);
            var code = base.Store(state, port, word, chunk);
            if (code == 0 && target is var (o, _, _) && (status[0] & 0x80) != 0) o.Hidden++;
            return code;
        }

        protected internal override long Interrupts(Port port) => port.Inner.Interrupts - port.Hidden;
    }

    /// <summary>A mutant with its name, for reports.</summary>
    internal sealed class Named(string name, Spy spy) : IIsmFunctionAdapter
    {
        public string Name => name;
        public IsmTestBed Create(int functions, int hostMemory) => spy.Create(functions, hostMemory);
    }
}
