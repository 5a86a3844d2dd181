namespace GloVeV.Training;

/// <summary>Runs a body over rows on a fixed number of threads, largest rows first, handed out dynamically so both
/// cores stay busy to the end. Each row's work must not depend on which thread ran it.</summary>
public static class ParallelRows
{
    /// <param name="body">(thread index, row).</param>
    public static void Run(int[] rows, int threads, Action<int, int> body, CancellationToken cancel = default)
    {
        threads = Math.Max(1, Math.Min(threads, rows.Length));
        int next = -1;
        Exception? err = null;
        void Work(int t)
        {
            try
            {
                int slot;
                while ((slot = Interlocked.Increment(ref next)) < rows.Length && err == null)
                {
                    if ((slot & 1023) == 0) cancel.ThrowIfCancellationRequested();
                    body(t, rows[slot]);
                }
            }
            catch (Exception e) { Interlocked.CompareExchange(ref err, e, null); }
        }
        if (threads == 1) Work(0);
        else
        {
            var ts = new Thread[threads];
            for (int t = 0; t < threads; t++) { int id = t; ts[t] = new Thread(() => Work(id)) { IsBackground = true }; ts[t].Start(); }
            foreach (var th in ts) th.Join();
        }
        if (err != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(err).Throw();
    }

    /// <summary>Row ids ordered by descending length (ties by id), the order <see cref="Run"/> balances best.</summary>
    public static int[] ByDescendingLength(SparseRows x) =>
        Enumerable.Range(0, x.Rows).OrderByDescending(r => x.Length(r)).ThenBy(r => r).ToArray();
}
