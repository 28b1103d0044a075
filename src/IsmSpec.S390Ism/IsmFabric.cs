namespace IsmSpec.S390Ism;

/// <summary>
/// One ISM fabric (a PCHID shared by several LPARs): owns the GID → function map and the token → DMB map,
/// so functions reach each other by GID (QUERY_RGID, SIGNAL_IEQ) and by token (move_data).
/// All device activity on a fabric is serialised by <see cref="Sync"/>; interrupts are raised after it is
/// released, so an interrupt handler may issue commands and store blocks.
/// </summary>
public sealed class IsmFabric
{
    private readonly Dictionary<ulong, IsmFunction> _functions = new();
    private readonly Dictionary<ulong, IsmDmb> _dmbs = new();
    private readonly List<IsmFunction> _pendingInterrupts = new();
    private ulong _nextGid = 1;
    private readonly uint _tokenLimit;
    private uint _nextToken = 1;
    private ulong _clock;

    /// <param name="pchid">physical channel id; reported as the fabric id by the driver (rule 66)</param>
    /// <param name="tokenLimit">highest token number handed out (tokens are number &lt;&lt; 32); tests lower it to reach exhaustion</param>
    public IsmFabric(ushort pchid, uint tokenLimit = uint.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfZero(tokenLimit);
        Pchid = pchid;
        _tokenLimit = tokenLimit;
    }

    public ushort Pchid { get; }

    /// <summary>The lock the device holds while it reads commands and writes host memory.</summary>
    public object Sync { get; } = new();

    /// <summary>Adds a PCI function with the next free GID: 0x4953 (ASCII "IS") in bits 48..63, the PCHID in bits 32..47, a counter below.</summary>
    public IsmFunction CreateFunction(IsmHostMemory memory, int maxDmbs = IsmFunction.DefaultMaxDmbs)
    {
        lock (Sync)
        {
            ulong gid;
            do gid = (0x4953UL << 48) | ((ulong)Pchid << 32) | _nextGid++;
            while (_functions.ContainsKey(gid));
            return AddLocked(memory, gid, maxDmbs);
        }
    }

    /// <summary>Adds a PCI function with a chosen GID (non-zero, unique on the fabric).</summary>
    public IsmFunction CreateFunction(IsmHostMemory memory, ulong gid, int maxDmbs = IsmFunction.DefaultMaxDmbs)
    {
        if (gid == 0) throw new ArgumentException("GID 0 is not a valid ISM GID", nameof(gid));
        lock (Sync)
        {
            if (_functions.ContainsKey(gid)) throw new ArgumentException($"GID {gid:X16} is already on the fabric", nameof(gid));
            return AddLocked(memory, gid, maxDmbs);
        }
    }

    private IsmFunction AddLocked(IsmHostMemory memory, ulong gid, int maxDmbs)
    {
        var function = new IsmFunction(this, memory, gid, maxDmbs);
        _functions.Add(gid, function);
        return function;
    }

    public IReadOnlyCollection<IsmFunction> Functions { get { lock (Sync) return _functions.Values.ToArray(); } }

    /// <summary>Number of DMBs registered on the fabric.</summary>
    public int DmbCount { get { lock (Sync) return _dmbs.Count; } }

    internal bool TryGetFunction(ulong gid, out IsmFunction function) => _functions.TryGetValue(gid, out function!);

    internal bool TryGetDmb(ulong token, out IsmDmb dmb) => _dmbs.TryGetValue(token, out dmb!);

    /// <summary>ISM-DEV-TOKEN-FORMAT: number &lt;&lt; 32, numbers from 1 up, never reused on this fabric.</summary>
    internal bool TryAllocateToken(out ulong token)
    {
        token = 0;
        if (_nextToken == 0 || _nextToken > _tokenLimit) return false;
        token = (ulong)_nextToken << 32;
        _nextToken = _nextToken == uint.MaxValue ? 0 : _nextToken + 1;
        return true;
    }

    internal void AddDmb(IsmDmb dmb) => _dmbs.Add(dmb.Token, dmb);

    internal void RemoveDmb(ulong token) => _dmbs.Remove(token);

    /// <summary>DMBs of other functions that <paramref name="gid"/> may store into (QUERY_INFO dmbs_used).</summary>
    internal int CountDmbsUsableBy(ulong gid) => _dmbs.Values.Count(d => d.Rgid == gid && d.Owner.Gid != gid);

    /// <summary>IEQ event time stamps: a fabric-wide counter (the TOD clock is not emulated).</summary>
    internal ulong NextTime() => ++_clock;

    internal void QueueInterrupt(IsmFunction function) => _pendingInterrupts.Add(function);

    /// <summary>Runs <paramref name="action"/> under <see cref="Sync"/>, then raises the interrupts it queued.</summary>
    internal T Run<T>(Func<T> action)
    {
        T result;
        lock (Sync) result = action();
        FlushInterrupts();
        return result;
    }

    /// <summary>Raises the queued interrupts outside the lock (the MSI follows the SBA/IEQ update).</summary>
    internal void FlushInterrupts()
    {
        IsmFunction[] raise;
        lock (Sync)
        {
            if (_pendingInterrupts.Count == 0) return;
            raise = _pendingInterrupts.ToArray();
            _pendingInterrupts.Clear();
        }
        foreach (var function in raise) function.RaiseInterrupt();
    }
}
