using System.Collections.Immutable;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Conformance.Virtio;

/// <summary>Which rules the ring machine asserts (each requirement selects its own, so a mutant fails one requirement).</summary>
[Flags]
internal enum RingChecks
{
    None = 0,
    /// <summary>Chains come off the ring in order with their bytes, used entries land at used idx mod queue size (VIRTQ-SIZE-POW2).</summary>
    Order = 1,
    /// <summary>With EVENT_IDX, a notification exactly when used idx passed used_event (VIRTQ-EVENT-IDX-NOTIFY, §2.7.7).</summary>
    EventIdx = 2,
}

/// <summary>The immutable model of queue 0 seen from the driver: chains posted / in flight / used, indices, used_event.</summary>
internal sealed record RingModel(
    int QueueSize, ushort Start, bool EventIdx, ImmutableQueue<int> Avail, ImmutableList<int> InFlight, ImmutableList<int> Used,
    ImmutableList<ChainShape> Shapes, ushort UsedIdx, ushort Signalled, ushort NotifiedFrom, ushort UsedEvent, int DescsInUse)
{
    public const int MaxPosts = 48;
    public int Descs(int id) => Shapes[id].Indirect ? 1 : Shapes[id].Count;
    public override string ToString() =>
        $"qs {QueueSize} start {Start} avail [{string.Join(" ", Avail)}] in-flight [{string.Join(" ", InFlight)}] used idx {UsedIdx} used_event {UsedEvent}";
}

/// <summary>The device side of a run: the bench and what each posted / popped chain actually is.</summary>
internal sealed class RingActual(DeviceBench bench) : IDisposable
{
    public DeviceBench B { get; } = bench;
    public Dictionary<int, Posted> Posted { get; } = [];
    public Dictionary<int, VirtqPopped> Popped { get; } = [];
    public void Dispose() => B.Dispose();
}

/// <summary>
/// Model-based test of one split virtqueue (virtio 1.x §2.7.13 driver side played by the suite, §2.7.6–§2.7.8 device
/// side under test): post / pop / complete / notify / set used_event, from a start index near 16-bit
/// wrap-around, with or without EVENT_IDX. Sequences come from the model and shrink to a minimal failing one.
/// </summary>
internal sealed class VirtqDeviceMachine(Func<int, ushort, DeviceBench> open, Gen<int> queueSizes, ulong accept, RingChecks checks, bool indirect)
    : Machine<RingActual, RingModel>
{
    private sealed class RingSetup(Func<int, ushort, DeviceBench> open, int qs, ushort start, ulong accept) : Setup<RingActual, RingModel>
    {
        public override RingActual Actual()
        {
            var bench = open(qs, start);
            bench.Run(accept);
            if ((accept & VirtioSpec.VirtioFEventIdx) != 0) bench.SetUsedEvent(start);
            return new RingActual(bench);
        }

        public override RingModel Model() =>
            new(qs, start, (accept & VirtioSpec.VirtioFEventIdx) != 0, [], [], [], [], start, start, start, start, 0);

        public override string ToString() => $"queue size {qs}, start idx {start}, accept 0x{accept:X}";
    }

    public override Arbitrary<Setup<RingActual, RingModel>> Setup =>
        Tup.Of(queueSizes, Gen.Choose(65530, 65535))
           .Select(t => (Setup<RingActual, RingModel>)new RingSetup(open, t.Item1, (ushort)t.Item2, accept)).ToArbitrary();

    public override TearDown<RingActual> TearDown => StateMachine.TearDown<RingActual>(a => a.Dispose());

    public override Gen<Operation<RingActual, RingModel>> Next(RingModel m)
    {
        var shapes = Tup.Of(Gen.Choose(0, 2), Gen.Choose(0, 2), Gen.Choose(1, DeviceBench.MaxBuffer), Gen.Elements(false, indirect))
            .Select(t => new ChainShape(Enumerable.Repeat(t.Item3, t.Item1).ToArray(), Enumerable.Repeat(t.Item3 / 2 + 1, Math.Max(t.Item2, t.Item1 == 0 ? 1 : 0)).ToArray(), t.Item4 && t.Item1 + t.Item2 > 1));
        var ops = new List<(int, Gen<Operation<RingActual, RingModel>>)>
        {
            (4, shapes.Select(Post)),
            (1, Gen.Constant(Notify())),
            (1, Gen.Choose(-2, 3).Select(SetUsedEvent)),
        };
        if (!m.Avail.IsEmpty) ops.Add((3, Gen.Constant(Pop())));
        if (!m.InFlight.IsEmpty) ops.Add((3, Gen.Choose(0, 7).Select(Complete)));
        return Gen.Frequency(ops.ToArray());
    }

    private Operation<RingActual, RingModel> Post(ChainShape s) => new Step(
        $"post {s}", m => m.Shapes.Count < RingModel.MaxPosts && m.DescsInUse + (s.Indirect ? 1 : s.Count) <= m.QueueSize,
        m => m with { Avail = m.Avail.Enqueue(m.Shapes.Count), Shapes = m.Shapes.Add(s), DescsInUse = m.DescsInUse + (s.Indirect ? 1 : s.Count) },
        (a, m) => a.Posted[m.Shapes.Count - 1] = a.B.Post(s), this);

    private Operation<RingActual, RingModel> Pop() => new Step(
        "pop", m => !m.Avail.IsEmpty,
        m => m with { Avail = m.Avail.Dequeue(out int id), InFlight = m.InFlight.Add(id) },
        (a, m) =>
        {
            int id = m.InFlight[^1];
            var popped = a.B.Pop(DeviceBench.Response(a.Posted[id].ReadableBytes.Length / 2 + 3, id));
            VAssert.That(popped is not null, $"the device did not take chain #{id} from the available ring");
            a.Popped[id] = popped!;
            if (!checks.HasFlag(RingChecks.Order)) return;
            VAssert.Equal(a.Posted[id].Head, popped!.Head, $"head of chain #{id} (avail ring slot order)");
            VAssert.Bytes(a.Posted[id].ReadableBytes, popped.Readable, $"readable bytes of chain #{id}");
        }, this);

    private Operation<RingActual, RingModel> Complete(int pick) => new Step(
        $"complete in-flight[{pick}]", m => !m.InFlight.IsEmpty,
        m =>
        {
            int id = m.InFlight[pick % m.InFlight.Count];
            return m with { InFlight = m.InFlight.Remove(id), Used = m.Used.Add(id), UsedIdx = (ushort)(m.UsedIdx + 1), DescsInUse = m.DescsInUse - m.Descs(id) };
        },
        (a, m) =>
        {
            var popped = a.Popped[m.Used[^1]];
            a.B.Complete(popped.Head);
            if (!checks.HasFlag(RingChecks.Order)) return;
            // §2.7.8: the entry lands at slot (used idx mod queue size) and used idx runs free across 65535 → 0.
            ushort idx = (ushort)(m.UsedIdx - 1);
            VAssert.Equal(m.UsedIdx, a.B.UsedIdx, "used idx (free-running, wraps at 65536)");
            VAssert.Equal(((uint)popped.Head, popped.Written), a.B.UsedElem(idx), $"used ring slot {a.B.Layout.Slot(idx)} (idx {idx}) id and len");
        }, this);

    private Operation<RingActual, RingModel> Notify() => new Step(
        "notify-if-needed", _ => true, m => m with { NotifiedFrom = m.Signalled, Signalled = m.UsedIdx },
        (a, m) =>
        {
            long got = a.B.Notify();
            if (!checks.HasFlag(RingChecks.EventIdx) || !m.EventIdx) return;
            bool want = VirtqEventIdx.NeedEvent(m.UsedEvent, m.UsedIdx, m.NotifiedFrom);
            VAssert.Equal(want ? 1L : 0L, got, $"notifications for used idx {m.NotifiedFrom}→{m.UsedIdx} with used_event {m.UsedEvent} (vring_need_event)");
        }, this);

    private Operation<RingActual, RingModel> SetUsedEvent(int delta) => new Step(
        $"used_event = used idx {delta:+0;-0}", _ => true, m => m with { UsedEvent = (ushort)(m.UsedIdx + delta) },
        (a, m) => a.B.SetUsedEvent(m.UsedEvent), this);

    private sealed class Step(string name, Func<RingModel, bool> pre, Func<RingModel, RingModel> run, Action<RingActual, RingModel> act,
        VirtqDeviceMachine machine) : Operation<RingActual, RingModel>
    {
        public override bool Pre(RingModel model) => pre(model);
        public override RingModel Run(RingModel model) => run(model);

        // Runs eagerly, in sequence order, with the model after the step; a violation becomes a labelled false.
        public override Property Check(RingActual actual, RingModel model)
        {
            try
            {
                act(actual, model);
                return Prop.ToProperty(true);
            }
            catch (Exception e)
            {
                return Prop.Label(false, $"{name}: {e.Message} [{machine.Describe(model)}]");
            }
        }

        public override string ToString() => name;
    }

    private string Describe(RingModel m) => $"{checks}; {m}";
}
