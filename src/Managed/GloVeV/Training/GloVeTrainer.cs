using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GloVeV.Cooccurrence;
using GloVeV.IO;
using GloVeV.Text;

namespace GloVeV.Training;

public sealed record EpochReport(int Epoch, int Epochs, double Cost, double Seconds, double EntriesPerSecond);

public sealed record TrainingResult(GloVeParameters Parameters, IReadOnlyList<EpochReport> Epochs, bool Resumed, int StartEpoch);

/// <summary>
/// GloVe training as GloVe C does it — weighted least squares on log X, AdaGrad with accumulators starting at 1 and
/// the step eta inside the accumulated square, gradient components clipped, biases updated without a learning rate
/// (by default), non-zeros shuffled (every epoch here), threads updating shared parameters without locks (hogwild)
/// — on float32 rows padded to whole 256-bit vectors.
/// </summary>
public sealed unsafe class GloVeTrainer
{
    [StructLayout(LayoutKind.Sequential)]
    struct Entry { public int I; public int J; public float LogX; public float F; }

    public const string CheckpointFile = "checkpoint.safetensors";

    readonly TrainingOptions _o;
    readonly int _v, _d, _p;
    readonly float[] _w, _c, _gw, _gc, _bw, _bc, _gbw, _gbc;
    readonly Entry[] _entries;

    public GloVeTrainer(CsrMatrix x, TrainingOptions o)
    {
        o.Validate();
        _o = o;
        _v = x.Rows; _d = o.Dim; _p = (o.Dim + 7) / 8 * 8;
        if (x.NonZeros == 0) throw new GloVeVException("co-occurrence matrix has no non-zeros: nothing to train on");
        _entries = new Entry[x.NonZeros];
        long k = 0;
        for (int i = 0; i < _v; i++)
        {
            var cols = x.RowIndices(i); var vals = x.RowValues(i);
            for (int t = 0; t < cols.Length; t++)
            {
                double val = vals[t];
                if (!(val > 0)) throw new GloVeVException($"co-occurrence value X[{i},{cols[t]}] = {val} is not positive");
                _entries[k++] = new Entry { I = i, J = cols[t], LogX = (float)Math.Log(val), F = (float)TrainingOptions.Weight(val, o.XMax, o.Alpha) };
            }
        }
        _w = new float[(long)_v * _p]; _c = new float[(long)_v * _p];
        _gw = new float[(long)_v * _p]; _gc = new float[(long)_v * _p];
        _bw = new float[_v]; _bc = new float[_v]; _gbw = new float[_v]; _gbc = new float[_v];
        // GloVe C: every parameter uniform in [-0.5, 0.5) / D, every accumulator 1; padding stays 0.
        var rng = new SplitMix64(SplitMix64.Derive(o.Seed, 0));
        for (int i = 0; i < _v; i++)
            for (int d = 0; d < _d; d++) _w[i * _p + d] = (float)((rng.NextDouble() - 0.5) / _d);
        for (int i = 0; i < _v; i++) _bw[i] = (float)((rng.NextDouble() - 0.5) / _d);
        for (int i = 0; i < _v; i++)
            for (int d = 0; d < _d; d++) _c[i * _p + d] = (float)((rng.NextDouble() - 0.5) / _d);
        for (int i = 0; i < _v; i++) _bc[i] = (float)((rng.NextDouble() - 0.5) / _d);
        Array.Fill(_gw, 1f); Array.Fill(_gc, 1f); Array.Fill(_gbw, 1f); Array.Fill(_gbc, 1f);
    }

    void Shuffle(int epoch)
    {
        var rng = new SplitMix64(SplitMix64.Derive(_o.Seed, 1000 + (ulong)epoch));
        var e = _entries;
        for (long i = e.LongLength - 1; i > 0; i--)
        {
            long j = rng.NextBelow(i + 1);
            (e[i], e[j]) = (e[j], e[i]);
        }
    }

    /// <summary>Trains; with <paramref name="outDir"/> set, checkpoints there and (with <paramref name="resume"/>)
    /// continues from its checkpoint, reproducing the uninterrupted run exactly.</summary>
    public TrainingResult Run(string? outDir = null, bool resume = false, Action<EpochReport>? onEpoch = null, CancellationToken cancel = default)
    {
        int start = 0;
        if (resume)
        {
            if (outDir == null) throw new GloVeVException("--resume needs an output folder holding a checkpoint");
            start = LoadCheckpoint(Path.Combine(outDir, CheckpointFile));
            for (int e = 0; e < start; e++) Shuffle(e);
        }
        var reports = new List<EpochReport>();
        for (int epoch = start; epoch < _o.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            var sw = Stopwatch.StartNew();
            Shuffle(epoch);
            double cost = RunEpoch(cancel);
            var r = new EpochReport(epoch + 1, _o.Epochs, cost / _entries.LongLength, sw.Elapsed.TotalSeconds, _entries.LongLength / sw.Elapsed.TotalSeconds);
            if (!double.IsFinite(r.Cost)) throw new GloVeVException($"training diverged at epoch {epoch + 1} (cost is {r.Cost}); lower --eta or --x-max");
            reports.Add(r);
            onEpoch?.Invoke(r);
            if (outDir != null && _o.CheckpointEvery > 0 && (epoch + 1) % _o.CheckpointEvery == 0 && epoch + 1 < _o.Epochs)
                SaveCheckpoint(Path.Combine(outDir, CheckpointFile), epoch + 1);
        }
        var p = Parameters();
        p.Metadata["epochs_done"] = _o.Epochs.ToString();
        if (reports.Count > 0) p.Metadata["final_cost"] = reports[^1].Cost.ToString("R");
        return new TrainingResult(p, reports, resume, start);
    }

    double RunEpoch(CancellationToken cancel)
    {
        int threads = (int)Math.Min(_o.Threads, _entries.LongLength);
        var costs = new double[threads];
        long n = _entries.LongLength;
        Exception? err = null;
        if (threads == 1) costs[0] = RunSlice(0, n, cancel);
        else
        {
            var ts = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                int id = t;
                ts[t] = new Thread(() =>
                {
                    try { costs[id] = RunSlice(n * id / threads, n * (id + 1) / threads, cancel); }
                    catch (Exception e) { Interlocked.CompareExchange(ref err, e, null); }
                }) { IsBackground = true };
                ts[t].Start();
            }
            foreach (var t in ts) t.Join();
            if (err != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(err).Throw();
        }
        return costs.Sum();
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
        fixed (float* W = _w, C = _c, GW = _gw, GC = _gc, BW = _bw, BC = _bc, GBW = _gbw, GBC = _gbc)
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
                if (!float.IsFinite(fdiff)) throw new GloVeVException($"training diverged: non-finite gradient at pair ({e.I}, {e.J}); lower --eta");
                cost += 0.5 * fdiff * diff;
                var vf = Vector256.Create(fdiff);
                var s1 = Vector256<float>.Zero; var s2 = Vector256<float>.Zero;
                for (int b = 0; b < nv; b++)
                {
                    var wv = Vector256.Load(w + 8 * b); var cv = Vector256.Load(c + 8 * b);
                    var t1 = Vector256.Min(Vector256.Max(vf * cv, vNegClip), vClip) * vEta;
                    var t2 = Vector256.Min(Vector256.Max(vf * wv, vNegClip), vClip) * vEta;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Prefetch(float* row, int bytes)
    {
        byte* b = (byte*)row;
        for (int off = 0; off < bytes; off += 64) System.Runtime.Intrinsics.X86.Sse.Prefetch0(b + off);
    }

    float[] Unpad(float[] a)
    {
        var r = new float[(long)_v * _d];
        for (int i = 0; i < _v; i++) Array.Copy(a, (long)i * _p, r, (long)i * _d, _d);
        return r;
    }

    void Pad(float[] src, float[] dst)
    {
        for (int i = 0; i < _v; i++) Array.Copy(src, (long)i * _d, dst, (long)i * _p, _d);
    }

    public GloVeParameters Parameters() => new(_v, _d, Unpad(_w), Unpad(_c), (float[])_bw.Clone(), (float[])_bc.Clone());

    void SaveCheckpoint(string path, int epochsDone)
    {
        long v = _v, d = _d;
        SafeTensorsWriter.WriteAll(path, [
            (new TensorSpec("center_vectors", TensorDType.F32, [v, d]), w => w.Write<float>(Unpad(_w))),
            (new TensorSpec("context_vectors", TensorDType.F32, [v, d]), w => w.Write<float>(Unpad(_c))),
            (new TensorSpec("center_bias", TensorDType.F32, [v]), w => w.Write<float>(_bw)),
            (new TensorSpec("context_bias", TensorDType.F32, [v]), w => w.Write<float>(_bc)),
            (new TensorSpec("center_gradsq", TensorDType.F32, [v, d]), w => w.Write<float>(Unpad(_gw))),
            (new TensorSpec("context_gradsq", TensorDType.F32, [v, d]), w => w.Write<float>(Unpad(_gc))),
            (new TensorSpec("center_bias_gradsq", TensorDType.F32, [v]), w => w.Write<float>(_gbw)),
            (new TensorSpec("context_bias_gradsq", TensorDType.F32, [v]), w => w.Write<float>(_gbc)),
        ], new Dictionary<string, string>
        {
            ["epochs_done"] = epochsDone.ToString(), ["seed"] = _o.Seed.ToString(), ["dim"] = _d.ToString(),
            ["vocab_size"] = _v.ToString(), ["nnz"] = _entries.LongLength.ToString(),
        });
    }

    int LoadCheckpoint(string path)
    {
        if (!File.Exists(path)) throw new GloVeVException($"--resume: no checkpoint at {path}");
        using var f = new SafeTensorsFile(path);
        long v = _v, d = _d;
        f.Expect("center_vectors", [v, d], TensorDType.F32);
        if (!f.Metadata.TryGetValue("epochs_done", out var ed) || !int.TryParse(ed, out int done) || done < 0)
            throw new GloVeVException($"{path}: checkpoint lacks a valid epochs_done");
        if (f.Metadata.TryGetValue("nnz", out var nz) && nz != _entries.LongLength.ToString())
            throw new GloVeVException($"{path}: checkpoint was made for a co-occurrence matrix with {nz} non-zeros, this one has {_entries.LongLength}");
        if (done > _o.Epochs) throw new GloVeVException($"{path}: checkpoint has {done} epochs done, more than --epochs {_o.Epochs}");
        void LoadInto(string name, float[] dst, bool padded)
        {
            var src = f.ReadFloats(name);
            if (src.Any(x => !float.IsFinite(x))) throw new GloVeVException($"{path}: checkpoint tensor '{name}' contains NaN or infinity; cannot resume");
            if (padded) Pad(src, dst); else Array.Copy(src, dst, src.Length);
        }
        f.Expect("context_vectors", [v, d], TensorDType.F32);
        f.Expect("center_gradsq", [v, d], TensorDType.F32);
        f.Expect("context_gradsq", [v, d], TensorDType.F32);
        foreach (var n in new[] { "center_bias", "context_bias", "center_bias_gradsq", "context_bias_gradsq" }) f.Expect(n, [v], TensorDType.F32);
        LoadInto("center_vectors", _w, true); LoadInto("context_vectors", _c, true);
        LoadInto("center_gradsq", _gw, true); LoadInto("context_gradsq", _gc, true);
        LoadInto("center_bias", _bw, false); LoadInto("context_bias", _bc, false);
        LoadInto("center_bias_gradsq", _gbw, false); LoadInto("context_bias_gradsq", _gbc, false);
        return done;
    }
}
