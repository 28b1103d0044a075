using System.Collections.Immutable;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.S390Ism.Driver;

/// <summary>
/// The driver's index bitmap as an immutable model: indices in use, live DMBs (run-local id → idx), the next id, and
/// what the last register_dmb should have answered (<see cref="Expected"/>: the index, or null for -EINVAL).
/// </summary>
internal sealed record IdxModel(ImmutableSortedSet<uint> Used, ImmutableList<(int Id, uint Idx)> Live, int NextId, uint? Expected)
{
    public static readonly IdxModel Empty = new([], [], 0, null);

    /// <summary>Rule 51: the smallest index from 32 up that is not in use.</summary>
    public uint LowestFree()
    {
        uint i = S390IsmSpec.IsmDmbBitOffset;
        while (Used.Contains(i)) i++;
        return i;
    }

    public override string ToString() => $"used [{string.Join(",", Used)}]";
}

/// <summary>The bed and the DMB behind each model id.</summary>
internal sealed class IdxActual(IsmDriverBed bed) : IDisposable
{
    public IsmDriverBed Bed { get; } = bed;
    public Dictionary<int, DibsDmb> ById { get; } = [];
    public void Dispose() => Bed.Dispose();
}

/// <summary>
/// Model-based test of rule 51 (research §4.8): register_dmb with idx 0 (the lowest free index from 32), with a free
/// requested index (that index), with a requested index below 32 or in use (-EINVAL, no REG_DMB), and unregister_dmb
/// (the device answers 0, so the index is free again), checked against the REG_DMB traffic after every step. The
/// device accepts every command here, so other rules' failure paths never enter the model. Sequences shrink.
/// </summary>
internal sealed class IsmDriverMachine(Func<IsmDriverBed> open) : Machine<IdxActual, IdxModel>(MaxSteps)
{
    private const int MaxSteps = 30;
    private const int MaxLive = 8;
    /// <summary>Host pages: SBA, IEQ and at most <see cref="MaxLive"/> two-page DMBs, with room for fragmentation.</summary>
    public const int Pages = 4 * MaxLive + 16;

    public override Arbitrary<Setup<IdxActual, IdxModel>> Setup =>
        Gen.Constant(StateMachine.Setup(() => new IdxActual(open()), () => IdxModel.Empty)).ToArbitrary();

    public override TearDown<IdxActual> TearDown => StateMachine.TearDown<IdxActual>(a => a.Dispose());

    public override Gen<Operation<IdxActual, IdxModel>> Next(IdxModel model)
    {
        var requested = Gen.Frequency((3, Gen.Constant(0)), (3, Gen.Choose(28, 40)), (1, Gen.Choose(1910, 1919))).Select(x => (uint)x);
        var choices = new List<(int, Gen<Operation<IdxActual, IdxModel>>)>();
        if (model.Live.Count < MaxLive)
            choices.Add((3, Gen.Zip(requested, Gen.Choose(1, 2 * 4096)).Select(t => Register(t.Item1, (uint)t.Item2))));
        if (!model.Live.IsEmpty)
            choices.Add((2, Gen.Elements(model.Live.Select(l => l.Id).ToArray()).Select(Unregister)));
        return Gen.Frequency(choices.ToArray());
    }

    private static Operation<IdxActual, IdxModel> Register(uint requested, uint len) => new Step(
        $"register(idx {requested}, len {len})", m => m.Live.Count < MaxLive,
        m =>
        {
            uint? idx = requested == 0 ? m.LowestFree() : requested < S390IsmSpec.IsmDmbBitOffset || m.Used.Contains(requested) ? null : requested;
            return idx is { } i ? new IdxModel(m.Used.Add(i), m.Live.Add((m.NextId, i)), m.NextId + 1, i) : m with { Expected = null };
        },
        (a, m) =>
        {
            var b = a.Bed;
            int before = b.Pci.Count;
            int rc = b.Register(len, requested, out var dmb);
            var sent = IsmDriverSuite.RegDmbs(b, before);
            if (m.Expected is not { } want)
            {
                That(rc == -Errno.EINVAL && sent.Length == 0, $"returned {Errno.Name(rc)} after {sent.Length} REG_DMB; idx {requested} is {(requested < 32 ? "below 32" : "in use")}: expected -EINVAL and no command");
                return;
            }
            That(rc == 0 && dmb.Idx == want, $"returned {Errno.Name(rc)} with idx {dmb.Idx}, expected 0 with idx {want}{(requested == 0 ? " (the lowest free index from 32)" : "")}");
            That(sent.Length == 1 && IsmDriverSuite.SbaIdx(sent[0]) == want, $"sent {sent.Length} REG_DMB ({string.Join(",", sent.Select(IsmDriverSuite.SbaIdx))}), expected one for idx {want}");
            a.ById[m.Live[^1].Id] = dmb;
        });

    private static Operation<IdxActual, IdxModel> Unregister(int id) => new Step(
        $"unregister(#{id})", m => m.Live.Any(l => l.Id == id),
        m =>
        {
            var live = m.Live.Single(l => l.Id == id);
            return m with { Used = m.Used.Remove(live.Idx), Live = m.Live.Remove(live), Expected = null };
        },
        (a, _) =>
        {
            var dmb = a.ById[id];
            int rc = a.Bed.Ops.UnregisterDmb(a.Bed.Dev, ref dmb);
            That(rc == 0, $"returned {rc} for a DMB the device unregistered");
        });

    private static void That(bool condition, string message)
    {
        if (!condition) throw new ConformanceViolation(message);
    }

    private sealed class Step(string name, Func<IdxModel, bool> pre, Func<IdxModel, IdxModel> run, Action<IdxActual, IdxModel> check) : Operation<IdxActual, IdxModel>
    {
        public override bool Pre(IdxModel model) => pre(model);
        public override IdxModel Run(IdxModel model) => run(model);

        public override Property Check(IdxActual actual, IdxModel model)
        {
            try
            {
                check(actual, model);
                return Prop.ToProperty(true);
            }
            catch (Exception e)
            {
                return Prop.Label(false, $"{name}: {e.Message}");
            }
        }

        public override string ToString() => name;
    }
}
