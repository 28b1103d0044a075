using System.Collections.Concurrent;

namespace IsmSpec.Conformance.Smc;

/// <summary>
/// Runs client calls that may block forever (a broken client) on dedicated background threads: an idle worker takes
/// the next call, a new worker starts when all are busy, so a hung call never delays the next one (as the thread
/// pool would) and no thread is created per call.
/// </summary>
internal static class BoundedCalls
{
    private static readonly BlockingCollection<Action> Queue = [];
    private static int _idle;

    public static Task<T> Start<T>(Func<T> call)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.Decrement(ref _idle) < 0)
        {
            Interlocked.Increment(ref _idle);
            new Thread(Work) { IsBackground = true, Name = "smc-conformance" }.Start();
        }
        Queue.Add(() =>
        {
            try { done.SetResult(call()); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    private static void Work()
    {
        while (true)
        {
            if (!Queue.TryTake(out var work, TimeSpan.FromSeconds(30)))
            {
                if (Interlocked.Decrement(ref _idle) >= 0) return; // retire when idle
                Interlocked.Increment(ref _idle);
                continue;
            }
            work();
            Interlocked.Increment(ref _idle);
        }
    }
}
