using System.Collections.Concurrent;

namespace GloVeV.Text;

/// <summary>
/// Reads a corpus on one thread and hands line-aligned blocks to worker threads. Each worker owns its state
/// (created by <c>makeWorker</c>), so counting needs no locks; the caller merges the workers afterwards.
/// </summary>
public static class CorpusPipeline
{
    public sealed record Stats(long Bytes, long InvalidReplaced);

    public const int DefaultBlockSize = 4 << 20;

    /// <summary>Bytes of corpus held at once: the queue (2 per thread), one block per worker, one being read, and
    /// the reader's carry.</summary>
    public static long ReadAheadBytes(int threads, int blockSize) => (3L * Math.Max(1, threads) + 2) * blockSize;

    public static Stats Run<TWorker>(string path, TokenizerOptions options, int threads,
        Func<int, TWorker> makeWorker, Action<TWorker, CorpusBlock> process, out TWorker[] workers, Action<long>? progress = null,
        Func<ReadOnlySpan<byte>, byte[]?>? continuation = null, int blockSize = DefaultBlockSize)
    {
        threads = Math.Max(1, threads);
        // Block buffers circulate between the reader and the workers instead of being garbage after every block.
        var pool = new ConcurrentBag<byte[]>();
        // Open the corpus first: a missing or unreadable file fails before any worker allocates its tables.
        using var reader = new CorpusReader(path, options.ReplaceInvalidUtf8, blockSize,
            want => want == blockSize && pool.TryTake(out var b) ? b : new byte[want], continuation);
        var ws = new TWorker[threads];
        // Workers are built in parallel (up to one per thread): a counting worker zeroes a large table.
        try { Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => ws[t] = makeWorker(t)); }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            foreach (var w in ws) (w as IDisposable)?.Dispose();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        workers = ws;
        using var queue = new BlockingCollection<CorpusBlock>(boundedCapacity: threads * 2);
        Exception? failure = null;
        using var cts = new CancellationTokenSource();
        var tasks = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            tasks[t] = new Thread(() =>
            {
                try
                {
                    foreach (var block in queue.GetConsumingEnumerable(cts.Token))
                    {
                        process(ws[id], block);
                        if (block.Data.Length == blockSize) pool.Add(block.Data);
                    }
                }
                catch (OperationCanceledException) { }
                catch (Exception e) { Interlocked.CompareExchange(ref failure, e, null); cts.Cancel(); }
            }) { IsBackground = true, Name = $"glovev-corpus-{id}" };
            tasks[t].Start();
        }
        try
        {
            for (var b = reader.Next(); b != null; b = reader.Next())
            {
                if (cts.IsCancellationRequested) break;
                try { queue.Add(b, cts.Token); } catch (OperationCanceledException) { break; }
                progress?.Invoke(reader.BytesRead);
            }
        }
        catch (Exception e) { Interlocked.CompareExchange(ref failure, e, null); cts.Cancel(); }
        finally { queue.CompleteAdding(); }
        foreach (var th in tasks) th.Join();
        if (failure != null)
        {
            // Workers may hold large native tables: release them now rather than at some later collection.
            foreach (var w in ws) (w as IDisposable)?.Dispose();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
        return new Stats(reader.BytesRead, reader.InvalidSequencesReplaced);
    }
}
