namespace IsmSpec.Smc.Tests.Support;

/// <summary>
/// Sends a list of writes each way at once and checks that each side reads exactly the other's bytes, in
/// order, up to end of stream (the writer half-closes after its last write). One direction uses the
/// synchronous API on dedicated threads, the other the asynchronous one.
/// </summary>
internal static class Exchange
{
    public static bool Run(SmcdConnection a, SmcdConnection b, int[] writesA, int[] writesB, int seed)
    {
        var random = new Random(seed);
        var dataA = RandomBytes(random, writesA.Sum());
        var dataB = RandomBytes(random, writesB.Sum());
        var maxRead = (int)Math.Max(a.RingSize, b.RingSize) * 2;
        var tasks = new[]
        {
            Task.Factory.StartNew(() => { WriteAll(a, dataA, writesA); return Array.Empty<byte>(); }, TaskCreationOptions.LongRunning),
            Task.Factory.StartNew(() => ReadAll(b, new Random(seed + 1), maxRead), TaskCreationOptions.LongRunning),
            WriteAllAsync(b, dataB, writesB).ContinueWith(_ => Array.Empty<byte>(), TaskContinuationOptions.OnlyOnRanToCompletion),
            ReadAllAsync(a, new Random(seed + 2), maxRead),
        };
        Task.WhenAll(tasks).WaitAsync(StreamBed.Timeout).GetAwaiter().GetResult();
        return tasks[1].Result.AsSpan().SequenceEqual(dataA) && tasks[3].Result.AsSpan().SequenceEqual(dataB);
    }

    /// <summary>Waits for <paramref name="task"/> with the bed timeout (for tests that keep spans over DMBs).</summary>
    public static T Await<T>(Task<T> task) => task.WaitAsync(StreamBed.Timeout).GetAwaiter().GetResult();

    public static byte[] RandomBytes(Random random, int length)
    {
        var data = new byte[length];
        random.NextBytes(data);
        return data;
    }

    private static void WriteAll(SmcdConnection conn, byte[] data, int[] writes)
    {
        var offset = 0;
        foreach (var n in writes)
        {
            conn.Write(data.AsSpan(offset, n));
            offset += n;
        }
        conn.ShutdownWrite();
    }

    private static async Task WriteAllAsync(SmcdConnection conn, byte[] data, int[] writes)
    {
        var offset = 0;
        foreach (var n in writes)
        {
            await conn.WriteAsync(data.AsMemory(offset, n));
            offset += n;
        }
        conn.ShutdownWrite();
    }

    private static byte[] ReadAll(SmcdConnection conn, Random random, int maxRead)
    {
        var received = new MemoryStream();
        var buffer = new byte[maxRead];
        int n;
        while ((n = conn.Read(buffer.AsSpan(0, random.Next(1, maxRead + 1)))) > 0)
            received.Write(buffer, 0, n);
        return received.ToArray();
    }

    private static async Task<byte[]> ReadAllAsync(SmcdConnection conn, Random random, int maxRead)
    {
        var received = new MemoryStream();
        var buffer = new byte[maxRead];
        int n;
        while ((n = await conn.ReadAsync(buffer.AsMemory(0, random.Next(1, maxRead + 1)))) > 0)
            received.Write(buffer, 0, n);
        return received.ToArray();
    }
}
