namespace IsmSpec.S390Ism.Tests.Support;

/// <summary>
/// A fabric with two functions A and B on separate hosts, each with SBA and IEQ registered the way the
/// kernel does at init (research §4.10), interrupts counted, host memory pre-filled with a pattern so tests
/// can check that nothing outside the intended area changed.
/// </summary>
internal sealed class IsmBed
{
    public const byte Pattern = 0xA5;
    public const int HostSize = 4 << 20;

    public IsmFabric Fabric { get; }
    public IsmFunction A { get; }
    public IsmFunction B { get; }
    public ulong SbaA, IeqA, SbaB, IeqB;
    public readonly List<IsmFunction> Interrupts = new();

    public IsmBed(bool register = true, int maxDmbsA = IsmFunction.DefaultMaxDmbs, uint tokenLimit = uint.MaxValue, int hostSize = HostSize)
    {
        Fabric = new IsmFabric(pchid: 0x0123, tokenLimit);
        A = Fabric.CreateFunction(NewHost(hostSize), maxDmbsA);
        B = Fabric.CreateFunction(NewHost(hostSize));
        A.Interrupt += f => Interrupts.Add(f);
        B.Interrupt += f => Interrupts.Add(f);
        if (!register) return;
        (SbaA, IeqA) = Init(A);
        (SbaB, IeqB) = Init(B);
    }

    public static IsmHostMemory NewHost(int size = HostSize)
    {
        var memory = new IsmHostMemory(size);
        memory.All.Fill(Pattern);
        return memory;
    }

    public static (ulong Sba, ulong Ieq) Init(IsmFunction f)
    {
        ulong sba = f.HostMemory.Allocate(IsmSba.Size);
        ulong ieq = f.HostMemory.Allocate(4096);
        Assert.Equal(IsmRet.Success, Drv.RegSba(f, sba));
        Assert.Equal(IsmRet.Success, Drv.RegIeq(f, ieq));
        return (sba, ieq);
    }

    public static ref IsmSba Sba(IsmFunction f, ulong dma) => ref IsmSba.View(f.HostMemory.Span(dma, IsmSba.Size));
    public static ref IsmEq Eq(IsmFunction f, ulong dma) => ref IsmEq.View(f.HostMemory.Span(dma, IsmEq.Size));

    public ref IsmSba SbaOfA => ref Sba(A, SbaA);
    public ref IsmSba SbaOfB => ref Sba(B, SbaB);
    public ref IsmEq EqOfA => ref Eq(A, IeqA);
    public ref IsmEq EqOfB => ref Eq(B, IeqB);

    /// <summary>B registers a DMB of <paramref name="len"/> bytes at <paramref name="idx"/> that A may write; returns (token, dma).</summary>
    public (ulong Token, ulong Dma) DmbOnB(uint len = 16384, uint idx = 32, ulong? rgid = null)
    {
        ulong dma = B.HostMemory.Allocate((int)len);
        Assert.Equal(IsmRet.Success, Drv.RegDmb(B, dma, len, idx, rgid ?? A.Gid, out var token));
        return (token, dma);
    }

    /// <summary>Copy of the whole host memory of a function (to compare before/after).</summary>
    public static byte[] Snapshot(IsmFunction f) => f.HostMemory.All.ToArray();
}
