using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Conformance.Virtio;

/// <summary>
/// The reference driver: <see cref="VirtioDriverHandshake"/> for initialization and config reads, <see cref="VirtqDriver"/>
/// for queue 0, buffers from a pool of fixed-size blocks in guest memory (one block per buffer).
/// </summary>
public sealed class ReferenceVirtioDriver : IVirtioDriverUnderTest
{
    public string Name => "virtio-split-ring driver";
    public ulong KnownFeatures => VirtioSpec.VirtioFVersion1 | VirtioSpec.VirtioFIndirectDesc | VirtioSpec.VirtioFEventIdx;
    public IReadOnlyList<(ulong Feature, ulong Requires)> FeatureDependencies => [];

    public IVirtioDriverInstance Create(VirtioDriverEnvironment environment) => new Instance(environment, KnownFeatures);

    private sealed class Instance(VirtioDriverEnvironment env, ulong known) : IVirtioDriverInstance
    {
        private VirtqDriver? _queue;
        private Stack<ulong> _free = [];
        private readonly Dictionary<ushort, (ulong[] Blocks, int Readable, int[] Writable)> _chains = [];
        private ulong _blockSize;

        public VirtqLayout? Initialize()
        {
            if (VirtioDriverHandshake.Negotiate(env.Transport, known) is not { } features) return null;
            var allocator = new GuestAllocator(env.Memory);
            var layout = VirtqLayout.Allocate(allocator, env.QueueSize);
            // §2.7.5.3: an indirect table never holds more than the queue size (VIRTQ-CHAIN-LIMITS); none for a queue of 1.
            int perTable = Math.Min((int)env.QueueSize, 16);
            IndirectTableArea? indirect = perTable >= 2 ? new IndirectTableArea(0, perTable) : null;
            if (indirect is { } area)
                indirect = area with { Address = allocator.Allocate(area.BytesFor(env.QueueSize), VirtioSpec.VirtqDescAlign) };
            _blockSize = (ulong)Math.Max(1, env.MaxBufferBytes);
            int blocks = env.QueueSize * Math.Max(1, env.MaxChainBuffers);
            _free = new Stack<ulong>(Enumerable.Range(0, blocks).Select(_ => allocator.Allocate(_blockSize, 8)).Reverse());
            _queue = Internals.NewDriver(env.Memory, layout, features, env.Kick, indirect, env.StartIndex);
            return VirtioDriverHandshake.Finish(env.Transport) ? layout : null;
        }

        public bool TryAdd(IReadOnlyList<byte[]> readable, IReadOnlyList<int> writable, out ushort head)
        {
            head = 0;
            int total = readable.Count + writable.Count;
            if (_queue is null || total == 0 || total > _free.Count) return false;
            if (readable.Any(r => (ulong)r.Length > _blockSize) || writable.Any(w => w < 0 || (ulong)w > _blockSize)) return false;
            var blocks = Enumerable.Range(0, total).Select(_ => _free.Pop()).ToArray();
            for (int i = 0; i < readable.Count; i++) readable[i].CopyTo(env.Memory.Get(blocks[i], (uint)readable[i].Length));
            var r = readable.Select((b, i) => new VirtqBuffer(blocks[i], (uint)b.Length)).ToArray();
            var w = writable.Select((n, i) => new VirtqBuffer(blocks[readable.Count + i], (uint)n)).ToArray();
            if (!_queue.TryAdd(r, w, out head))
            {
                foreach (var b in blocks.Reverse()) _free.Push(b);
                return false;
            }
            _chains[head] = (blocks, readable.Count, writable.ToArray());
            return true;
        }

        public void Kick() => _queue?.Kick();

        public IReadOnlyList<VirtqCompletion> OnInterrupt()
        {
            var done = new List<VirtqCompletion>();
            while (_queue is not null && _queue.TryGetUsed(out ushort head, out uint len))
            {
                var (blocks, readable, writable) = _chains[head];
                _chains.Remove(head);
                var data = new List<byte>();
                for (int i = 0; i < writable.Length && data.Count < len; i++)
                    data.AddRange(env.Memory.Get(blocks[readable + i], (uint)Math.Min(writable[i], (int)len - data.Count)).ToArray());
                foreach (var b in blocks) _free.Push(b);
                done.Add(new VirtqCompletion(head, len, data.ToArray()));
            }
            return done;
        }

        public void DisableInterrupts() => _queue?.DisableInterrupts();
        public void EnableInterrupts() => _queue?.EnableInterrupts();

        public byte[] ReadConfig(int offset, int length)
        {
            var bytes = new byte[length];
            VirtioDriverHandshake.ReadConfigConsistent(env.Transport, offset, bytes);
            return bytes;
        }

        public void Dispose() { }
    }
}
