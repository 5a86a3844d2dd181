using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GloVeV.Cooccurrence;
using GloVeV.IO;
using GloVeV.Native;
using GloVeV.Text;

namespace GloVeV.Training;

/// <summary>One epoch's outcome. RelativeChange (previous cost - cost) / previous cost and MedianCosineToWls (see
/// <see cref="ConvergenceProbe"/>) are NaN unless the run uses <c>--epochs auto</c>.</summary>
public sealed record EpochReport(int Epoch, int Epochs, double Cost, double Seconds, double EntriesPerSecond,
    double RelativeChange = double.NaN, double MedianCosineToWls = double.NaN);

public sealed record TrainingResult(GloVeParameters Parameters, IReadOnlyList<EpochReport> Epochs, bool Resumed, int StartEpoch)
{
    /// <summary>The cost of every epoch of the run, those before a resume included (null: those of <see cref="Epochs"/>).</summary>
    public IReadOnlyList<double>? CostHistory { get; init; }
}

/// <summary>
/// GloVe training as GloVe C does it — weighted least squares on log X, AdaGrad with accumulators starting at 1 and
/// the step eta inside the accumulated square, gradient components clipped, biases updated without a learning rate
/// (by default), non-zeros shuffled (every epoch here) — on float32 rows padded to whole 256-bit vectors. Threads share
/// an epoch by <see cref="TrainingStrata"/> (each its own words and contexts in each sub-epoch), not hogwild as GloVe C's do.
/// </summary>
public sealed unsafe class GloVeTrainer : IGloVeTrainer, IDisposable
{
    [StructLayout(LayoutKind.Sequential)]
    struct Entry { public int I; public int J; public float LogX; public float F; }

    public const string CheckpointFile = TrainingCheckpoint.FileName;

    readonly TrainingOptions _o;
    readonly int _v, _d, _p;
    // W, C and their AdaGrad sums: four V x P blocks read at random rows, on transparent huge pages (one TLB entry per
    // 2 MiB instead of per 4 KiB).
    readonly HugePageBuffer _rows;
    readonly float* _w, _c, _gw, _gc;
    readonly float[] _bw, _bc, _gbw, _gbc;
    readonly Entry[] _entries;
    // Where each block of each sub-epoch lies in _entries (one block holding all of them with one thread).
    readonly TrainingStrata _strata;
    readonly CsrMatrix _x;
    readonly Lazy<CheckpointInputs> _inputs;
    // The cost of every epoch done, those before a resume included.
    readonly List<double> _costs = [];

    public GloVeTrainer(CsrMatrix x, TrainingOptions o)
    {
        o.Validate();
        _o = o; _x = x;
        _inputs = new(() => CheckpointInputs.Of(x));
        _v = x.Rows; _d = o.Dim; _p = (o.Dim + 7) / 8 * 8;
        if (x.NonZeros == 0) throw new GloVeVException("co-occurrence matrix has no non-zeros: nothing to train on");
        var entries = _entries = new Entry[x.NonZeros];
        int threads = (int)Math.Min(o.Threads, x.NonZeros);
        _strata = TrainingStrata.Of(x, threads, TrainingStrata.PartsFor(threads, 4L * _v * _p * sizeof(float), _v));
        var strata = _strata;
        var cursor = strata.Starts.ToArray();
        TrainingTargets.ForEach(x, o, (k, i, j, logX, f) => entries[cursor[strata.BlockOf(i, j)]++] = new Entry { I = i, J = j, LogX = logX, F = f });
        long n = (long)_v * _p;
        _rows = new HugePageBuffer(4 * n * sizeof(float));
        _w = (float*)_rows.Pointer; _c = _w + n; _gw = _c + n; _gc = _gw + n;
        _bw = new float[_v]; _bc = new float[_v]; _gbw = new float[_v]; _gbc = new float[_v];
        // GloVe C's start; padding stays 0, every accumulator starts at 1.
        var init = InitialParameters.Draw(_v, _d, o.Seed);
        Pad(init.Center, _w); Pad(init.Context, _c);
        init.CenterBias.CopyTo(_bw, 0); init.ContextBias.CopyTo(_bc, 0);
        Fill(_gw, n, 1f); Fill(_gc, n, 1f);
        Array.Fill(_gbw, 1f); Array.Fill(_gbc, 1f);
    }

    public string Backend => "cpu-simd";
    public IReadOnlyDictionary<string, string> BackendMetadata { get; } = new Dictionary<string, string>();

    /// <summary>The epoch's shuffle: with one part GloVe C's (every non-zero in one random order); with P parts each
    /// of the P x P blocks of <see cref="TrainingStrata"/> in its own random order, the blocks shuffled side by side.</summary>
    void Shuffle(int epoch)
    {
        ulong seed = SplitMix64.Derive(_o.Seed, 1000 + (ulong)epoch);
        if (_strata.Parts == 1) { FisherYates(_entries, new SplitMix64(seed)); return; }
        var starts = _strata.Starts;
        Parallel.For(0, starts.Length - 1, new ParallelOptions { MaxDegreeOfParallelism = _strata.Threads }, b =>
        {
            fixed (Entry* e = _entries) FisherYates(e + starts[b], starts[b + 1] - starts[b], new SplitMix64(SplitMix64.Derive(seed, 1 + (ulong)b)));
        });
    }

    /// <summary>Fisher-Yates (from the last slot down, swap i with a uniform slot in [0, i]), drawing from
    /// <paramref name="rng"/>. The swaps are bound by memory latency (each reaches a random slot of an array far larger
    /// than the caches), so each swap's random slot is drawn <see cref="ShuffleAhead"/> swaps early and prefetched: the
    /// same draws in the same order, so the same permutation as the textbook loop, in about half the time (0.6 -> 0.3 s
    /// at 23.4M non-zeros). With one part it runs between epochs (at 2 hogwild threads it was ~16% of an epoch's wall
    /// time); with more, each block is shuffled by one of the threads (<see cref="Shuffle"/>).</summary>
    internal static void FisherYates<T>(T[] items, SplitMix64 rng) where T : unmanaged
    {
        fixed (T* e = items) FisherYates(e, items.LongLength, rng);
    }

    static void FisherYates<T>(T* e, long n, SplitMix64 rng) where T : unmanaged
    {
        bool prefetch = System.Runtime.Intrinsics.X86.Sse.IsSupported;
        // ahead[q % ShuffleAhead] holds the slot drawn for the swap at i = n - 1 - q.
        Span<long> ahead = stackalloc long[ShuffleAhead];
        for (int q = 0; q < ShuffleAhead && n - 1 - q > 0; q++)
        {
            long j = ahead[q] = rng.NextBelow(n - q);
            if (prefetch) System.Runtime.Intrinsics.X86.Sse.Prefetch0(e + j);
        }
        long step = 0;
        for (long i = n - 1; i > 0; i--, step++)
        {
            int slot = (int)(step % ShuffleAhead);
            long j = ahead[slot];
            long later = i - ShuffleAhead;
            if (later > 0)
            {
                long jl = ahead[slot] = rng.NextBelow(later + 1);
                if (prefetch) System.Runtime.Intrinsics.X86.Sse.Prefetch0(e + jl);
            }
            (e[i], e[j]) = (e[j], e[i]);
        }
    }

    const int ShuffleAhead = 16;

    /// <summary>Trains; with <paramref name="outDir"/> set, checkpoints there and (with <paramref name="resume"/>)
    /// continues from its checkpoint, reproducing the uninterrupted run exactly (shuffles are replayed).</summary>
    public TrainingResult Run(string? outDir = null, bool resume = false, Action<EpochReport>? onEpoch = null, CancellationToken cancel = default)
    {
        int start = 0;
        _costs.Clear();
        if (resume)
        {
            if (outDir == null) throw new GloVeVException("resume needs an output folder holding a checkpoint");
            start = LoadCheckpoint(Path.Combine(outDir, CheckpointFile));
            for (int e = 0; e < start; e++) Shuffle(e);
        }
        var reports = new List<EpochReport>();
        using var probe = _o.AutoStop is null ? null : new ConvergenceProbe(_x, _d, _o.XMax, _o.Alpha, 0, _o.Threads);
        int done = start;
        // --epochs auto compares each epoch's cost with the one before, a resumed run's first with the checkpoint's last.
        double previous = _costs.Count > 0 ? _costs[^1] : double.NaN;
        for (int epoch = start; epoch < _o.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            var sw = Stopwatch.StartNew();
            Shuffle(epoch);
            double cost = RunEpoch(cancel);
            var r = new EpochReport(epoch + 1, _o.Epochs, cost / _entries.LongLength, sw.Elapsed.TotalSeconds, _entries.LongLength / sw.Elapsed.TotalSeconds);
            if (!double.IsFinite(r.Cost)) throw new GloVeVException($"training diverged at epoch {epoch + 1} (cost is {r.Cost}); lower eta or x_max");
            bool stop = false;
            if (probe != null)
            {
                // --epochs auto: the cost has flattened out and frequent words sit near their WLS optimum.
                double rel = double.IsFinite(previous) ? (previous - r.Cost) / previous : double.NaN;
                r = r with { RelativeChange = rel, MedianCosineToWls = probe.MedianCosine(Parameters()) };
                stop = Math.Abs(rel) < _o.AutoStop!.Tolerance && !(r.MedianCosineToWls < _o.AutoStop.Cosine);
            }
            previous = r.Cost;
            reports.Add(r);
            _costs.Add(r.Cost);
            done = epoch + 1;
            onEpoch?.Invoke(r);
            if (outDir != null && _o.CheckpointEvery > 0 && (epoch + 1) % _o.CheckpointEvery == 0 && epoch + 1 < _o.Epochs && !stop)
                SaveCheckpoint(Path.Combine(outDir, CheckpointFile), epoch + 1);
            if (stop) break;
        }
        var p = Parameters();
        p.Metadata["epochs_done"] = done.ToString();
        if (_costs.Count > 0) p.Metadata["final_cost"] = _costs[^1].ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return new TrainingResult(p, reports, resume, start) { CostHistory = _costs.ToArray() };
    }

    /// <summary>One epoch: with P parts, P sub-epochs (<see cref="TrainingStrata"/>); the P blocks of a sub-epoch
    /// share no word or context, so the threads take them in turn, and all meet before the next sub-epoch.</summary>
    double RunEpoch(CancellationToken cancel)
    {
        int threads = _strata.Threads, parts = _strata.Parts;
        var starts = _strata.Starts;
        if (parts == 1) return RunSlice(0, _entries.LongLength, cancel);
        var costs = new double[parts * parts];
        var taken = new int[parts];
        Exception? err = null;
        using var barrier = new Barrier(threads);
        var ts = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            ts[t] = new Thread(() =>
            {
                for (int sub = 0; sub < parts; sub++)
                {
                    // After a failure elsewhere the others still meet at every barrier, doing nothing.
                    for (int k; Volatile.Read(ref err) == null && (k = Interlocked.Increment(ref taken[sub]) - 1) < parts;)
                    {
                        int b = sub * parts + k;
                        try { costs[b] = RunSlice(starts[b], starts[b + 1], cancel); }
                        catch (Exception e) { Interlocked.CompareExchange(ref err, e, null); }
                    }
                    barrier.SignalAndWait();
                }
            }) { IsBackground = true };
            ts[t].Start();
        }
        foreach (var t in ts) t.Join();
        if (err != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(err).Throw();
        // Summed in block order, so the epoch's cost has the same bits on every run.
        double cost = 0;
        foreach (var c in costs) cost += c;
        return cost;
    }

    double RunSlice(long from, long to, CancellationToken cancel)
    {
        double cost = 0;
        int p = _p, nv = _p / 8;
        float eta = (float)_o.Eta, clip = (float)_o.GradClip;
        bool glovecBias = _o.BiasEta == null;
        float biasEta = (float)(_o.BiasEta ?? 1.0);
        var vEta = Vector256.Create(eta);
        var vClip = Vector256.Create(clip);
        var vNegClip = Vector256.Create(-clip);
        int rowBytes = p * sizeof(float);
        // Prefetching pays once the parameters outgrow the caches (tens of MB); below that it only costs.
        bool prefetch = System.Runtime.Intrinsics.X86.Sse.IsSupported && (long)_v * p * sizeof(float) * 4 > (8L << 20);
        float* u1 = stackalloc float[p];
        float* u2 = stackalloc float[p];
        float* W = _w, C = _c, GW = _gw, GC = _gc;
        fixed (float* BW = _bw, BC = _bc, GBW = _gbw, GBC = _gbc)
        fixed (Entry* E = _entries)
        {
            for (long k = from; k < to; k++)
            {
                if ((k & 0xFFFFF) == 0 && cancel.IsCancellationRequested) cancel.ThrowIfCancellationRequested();
                Entry e = E[k];
                if (prefetch && k + PrefetchDistance < to)
                {
                    // Rows of a large vocabulary are scattered far beyond the caches; fetch a later entry's rows now.
                    Entry f = E[k + PrefetchDistance];
                    Prefetch(W + (long)f.I * p, rowBytes); Prefetch(GW + (long)f.I * p, rowBytes);
                    Prefetch(C + (long)f.J * p, rowBytes); Prefetch(GC + (long)f.J * p, rowBytes);
                }
                float* w = W + (long)e.I * p, c = C + (long)e.J * p, gw = GW + (long)e.I * p, gc = GC + (long)e.J * p;
                var acc = Vector256<float>.Zero;
                for (int b = 0; b < nv; b++)
                    acc = Vector256.FusedMultiplyAdd(Vector256.Load(w + 8 * b), Vector256.Load(c + 8 * b), acc);
                float diff = Vector256.Sum(acc) + BW[e.I] + BC[e.J] - e.LogX;
                float fdiff = e.F * diff;
                if (!float.IsFinite(fdiff)) throw new GloVeVException($"training diverged: non-finite gradient at pair ({e.I}, {e.J}); lower eta");
                cost += 0.5 * fdiff * diff;
                var vf = Vector256.Create(fdiff);
                var s1 = Vector256<float>.Zero; var s2 = Vector256<float>.Zero;
                for (int b = 0; b < nv; b++)
                {
                    var wv = Vector256.Load(w + 8 * b); var cv = Vector256.Load(c + 8 * b);
                    var t1 = Clip(vf * cv, vNegClip, vClip) * vEta;
                    var t2 = Clip(vf * wv, vNegClip, vClip) * vEta;
                    var g1 = Vector256.Load(gw + 8 * b); var g2 = Vector256.Load(gc + 8 * b);
                    var a1 = t1 / Vector256.Sqrt(g1); var a2 = t2 / Vector256.Sqrt(g2);
                    a1.Store(u1 + 8 * b); a2.Store(u2 + 8 * b);
                    s1 += a1; s2 += a2;
                    (g1 + t1 * t1).Store(gw + 8 * b);
                    (g2 + t2 * t2).Store(gc + 8 * b);
                }
                // GloVe C skips a vector update whose sum is not finite (accumulators were already bumped).
                if (float.IsFinite(Vector256.Sum(s1)) && float.IsFinite(Vector256.Sum(s2)))
                    for (int b = 0; b < nv; b++)
                    {
                        (Vector256.Load(w + 8 * b) - Vector256.Load(u1 + 8 * b)).Store(w + 8 * b);
                        (Vector256.Load(c + 8 * b) - Vector256.Load(u2 + 8 * b)).Store(c + 8 * b);
                    }
                float g = glovecBias ? fdiff : biasEta * fdiff;
                float db1 = g / MathF.Sqrt(GBW[e.I]), db2 = g / MathF.Sqrt(GBC[e.J]);
                if (float.IsFinite(db1)) BW[e.I] -= db1;
                if (float.IsFinite(db2)) BC[e.J] -= db2;
                GBW[e.I] += g * g;
                GBC[e.J] += g * g;
            }
        }
        return cost;
    }

    const int PrefetchDistance = 6;

    /// <summary>x clamped to [lo, hi], a NaN passing through as in GloVe C's comparisons (the update is then skipped).
    /// vmaxps/vminps return their second operand where either is NaN, so x goes second; Vector256.Min/Max (IEEE 754
    /// minimum/maximum, exact about NaN and signed zeros) compile to five more instructions each, in the loop that is
    /// most of an epoch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Clip(Vector256<float> x, Vector256<float> lo, Vector256<float> hi) =>
        System.Runtime.Intrinsics.X86.Avx.IsSupported
            ? System.Runtime.Intrinsics.X86.Avx.Min(hi, System.Runtime.Intrinsics.X86.Avx.Max(lo, x))
            : Vector256.Min(Vector256.Max(x, lo), hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Prefetch(float* row, int bytes)
    {
        byte* b = (byte*)row;
        for (int off = 0; off < bytes; off += 64) System.Runtime.Intrinsics.X86.Sse.Prefetch0(b + off);
    }

    float[] Unpad(float* a)
    {
        var r = new float[(long)_v * _d];
        for (int i = 0; i < _v; i++) new ReadOnlySpan<float>(a + (long)i * _p, _d).CopyTo(r.AsSpan(i * _d, _d));
        return r;
    }

    void Pad(float[] src, float* dst)
    {
        for (int i = 0; i < _v; i++) src.AsSpan(i * _d, _d).CopyTo(new Span<float>(dst + (long)i * _p, _d));
    }

    static void Fill(float* p, long n, float value)
    {
        for (long done = 0; done < n; done += 1 << 30) new Span<float>(p + done, (int)Math.Min(n - done, 1 << 30)).Fill(value);
    }

    public void Dispose() => _rows.Dispose();

    public GloVeParameters Parameters() => new(_v, _d, Unpad(_w), Unpad(_c), (float[])_bw.Clone(), (float[])_bc.Clone());

    void SaveCheckpoint(string path, int epochsDone) =>
        new TrainingCheckpoint(Parameters(), Unpad(_gw), Unpad(_gc), _gbw, _gbc, epochsDone) { CostHistory = _costs.ToArray() }.Save(path, Backend, _o, _inputs.Value);

    int LoadCheckpoint(string path)
    {
        var ck = TrainingCheckpoint.Load(path, _v, _d, _o, _inputs.Value);
        _costs.Clear(); _costs.AddRange(ck.CostHistory);
        var p = ck.Parameters;
        Pad(p.Center, _w); Pad(p.Context, _c); Pad(ck.CenterGradSq, _gw); Pad(ck.ContextGradSq, _gc);
        p.CenterBias.CopyTo(_bw, 0); p.ContextBias.CopyTo(_bc, 0);
        ck.CenterBiasGradSq.CopyTo(_gbw, 0); ck.ContextBiasGradSq.CopyTo(_gbc, 0);
        return ck.EpochsDone;
    }
}
