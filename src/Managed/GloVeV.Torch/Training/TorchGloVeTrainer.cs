using System.Diagnostics;
using System.Globalization;
using GloVeV.Cooccurrence;
using TorchSharp;
using static TorchSharp.torch;

namespace GloVeV.Training.Torch;

/// <summary>
/// GloVe on TorchSharp tensors: mini-batches of shuffled non-zeros, gathered rows, the same weighted loss and GloVe C's
/// AdaGrad (accumulators from 1, eta inside the squared gradient, components clipped, biases without a learning rate by
/// default), with every parameter resident on the device.
///
/// Batching changes one thing: a row that occurs several times in a batch gets all its steps from the same stale
/// parameters. Summing plain GloVe C steps there would multiply a frequent word's step by its multiplicity (its bias
/// would explode in the first batch), so each step divides by the accumulator after the whole batch minus the step's
/// own square: for a row seen once per batch that is exactly GloVe C's sqrt(G) before the update, for a row seen n
/// times the summed step grows like sqrt(n), as n sequential AdaGrad steps do.
/// </summary>
public sealed class TorchGloVeTrainer : IGloVeTrainer, IDisposable
{
    readonly TrainingOptions _o;
    readonly TorchTrainingOptions _t;
    readonly Device _device;
    readonly int _v, _d, _batch;
    readonly long _nnz;
    readonly Tensor _i, _j, _logX, _f;
    readonly CheckpointInputs _inputs;
    // The cost of every epoch done, those before a resume included.
    readonly List<double> _costs = [];
    Tensor _w, _c, _bw, _bc, _gw, _gc, _gbw, _gbc;

    public TorchGloVeTrainer(CsrMatrix x, TrainingOptions o, TorchTrainingOptions t)
    {
        o.Validate(); t.Validate();
        _o = o; _t = t;
        TorchRuntime.Initialize(o.Threads);
        _device = TorchRuntime.Resolve(t.Device);
        _v = x.Rows; _d = o.Dim; _nnz = x.NonZeros;
        _inputs = CheckpointInputs.Of(x); // what checkpoints record and a resume must match
        _batch = t.BatchFor(_device.type == DeviceType.CUDA, _nnz);
        var ii = new long[_nnz]; var jj = new long[_nnz]; var lx = new float[_nnz]; var ff = new float[_nnz];
        TrainingTargets.ForEach(x, o, (k, i, j, logX, f) => { ii[k] = i; jj[k] = j; lx[k] = logX; ff[k] = f; });
        _i = tensor(ii, device: _device); _j = tensor(jj, device: _device);
        _logX = tensor(lx, device: _device); _f = tensor(ff, device: _device);
        var init = InitialParameters.Draw(_v, _d, o.Seed);
        _w = Upload(init.Center, true); _c = Upload(init.Context, true);
        _bw = Upload(init.CenterBias, false); _bc = Upload(init.ContextBias, false);
        _gw = ones(_v, _d, device: _device); _gc = ones(_v, _d, device: _device);
        _gbw = ones(_v, device: _device); _gbc = ones(_v, device: _device);
    }

    public string Backend => "torch-" + (_device.type == DeviceType.CUDA ? "cuda" : "cpu");

    public IReadOnlyDictionary<string, string> BackendMetadata => new Dictionary<string, string>
    {
        ["torch_device"] = _device.ToString(),
        ["batch_size"] = _batch.ToString(CultureInfo.InvariantCulture),
        ["torch_threads"] = _o.Threads.ToString(CultureInfo.InvariantCulture),
    };

    public int BatchSize => _batch;

    Tensor Upload(float[] a, bool matrix) => matrix ? tensor(a, [_v, _d], device: _device) : tensor(a, device: _device);

    static float[] Download(Tensor t) { using var c = t.cpu(); return c.data<float>().ToArray(); }

    public TrainingResult Run(string? outDir = null, bool resume = false, Action<EpochReport>? onEpoch = null, CancellationToken cancel = default)
    {
        int start = 0;
        _costs.Clear();
        if (resume)
        {
            if (outDir == null) throw new GloVeVException("--resume needs an output folder holding a checkpoint");
            start = LoadCheckpoint(Path.Combine(outDir, TrainingCheckpoint.FileName));
        }
        var reports = new List<EpochReport>();
        for (int epoch = start; epoch < _o.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            var sw = Stopwatch.StartNew();
            double cost = RunEpoch(epoch, cancel);
            var r = new EpochReport(epoch + 1, _o.Epochs, cost / _nnz, sw.Elapsed.TotalSeconds, _nnz / sw.Elapsed.TotalSeconds);
            if (!double.IsFinite(r.Cost)) throw new GloVeVException($"training diverged at epoch {epoch + 1} (cost is {r.Cost}); lower --eta or --batch-size");
            reports.Add(r);
            _costs.Add(r.Cost);
            onEpoch?.Invoke(r);
            if (outDir != null && _o.CheckpointEvery > 0 && (epoch + 1) % _o.CheckpointEvery == 0 && epoch + 1 < _o.Epochs)
                Checkpoint(epoch + 1).Save(Path.Combine(outDir, TrainingCheckpoint.FileName), Backend, _o, _inputs);
        }
        var p = Parameters();
        p.Metadata["epochs_done"] = _o.Epochs.ToString(CultureInfo.InvariantCulture);
        if (_costs.Count > 0) p.Metadata["final_cost"] = _costs[^1].ToString("R", CultureInfo.InvariantCulture);
        return new TrainingResult(p, reports, resume, start) { CostHistory = _costs.ToArray() };
    }

    double RunEpoch(int epoch, CancellationToken cancel)
    {
        using var epochScope = NewDisposeScope();
        // The permutation depends on (seed, epoch) only, so a resumed run shuffles as the uninterrupted one did.
        using var gen = new Generator(SplitMix64.Derive(_o.Seed, 1000 + (ulong)epoch), _device);
        var perm = randperm(_nnz, generator: gen, dtype: ScalarType.Int64, device: _device);
        var costSum = zeros(1, ScalarType.Float64, _device);
        double eta = _o.Eta, clip = _o.GradClip;
        double biasScale = _o.BiasEta ?? 1.0;
        bool cpu = _device.type == DeviceType.CPU;
        int batchNo = 0;
        for (long from = 0; from < _nnz; from += _batch)
        {
            if (cpu && ++batchNo % TrimEveryBatches == 0) TorchRuntime.ReleaseFreedHeap();
            if (cancel.IsCancellationRequested) cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long n = Math.Min(_batch, _nnz - from);
            var k = perm.narrow(0, from, n);
            var i = _i.index_select(0, k); var j = _j.index_select(0, k);
            var wi = _w.index_select(0, i); var cj = _c.index_select(0, j);
            var diff = (wi * cj).sum(1).add_(_bw.index_select(0, i)).add_(_bc.index_select(0, j)).sub_(_logX.index_select(0, k));
            var fdiff = _f.index_select(0, k).mul_(diff);
            costSum.add_((fdiff * diff).sum().to_type(ScalarType.Float64));
            var fcol = fdiff.unsqueeze(1);
            // GloVe C: temp = clip(fdiff * other row) * eta, both from the parameters before this step.
            var tw = (cj * fcol).clamp_(-clip, clip).mul_(eta);
            var tc = (wi * fcol).clamp_(-clip, clip).mul_(eta);
            var tw2 = tw.square(); var tc2 = tc.square();
            _gw.index_add_(0, i, tw2, 1.0);
            _gc.index_add_(0, j, tc2, 1.0);
            _w.index_add_(0, i, tw.div_(_gw.index_select(0, i).sub_(tw2).sqrt_()), -1.0);
            _c.index_add_(0, j, tc.div_(_gc.index_select(0, j).sub_(tc2).sqrt_()), -1.0);
            var g = biasScale == 1.0 ? fdiff : fdiff * biasScale;
            var g2 = g.square();
            _gbw.index_add_(0, i, g2, 1.0);
            _gbc.index_add_(0, j, g2, 1.0);
            _bw.index_add_(0, i, g / _gbw.index_select(0, i).sub_(g2).sqrt_(), -1.0);
            _bc.index_add_(0, j, g / _gbc.index_select(0, j).sub_(g2).sqrt_(), -1.0);
        }
        return 0.5 * costSum.item<double>();
    }

    const int TrimEveryBatches = 8;

    public GloVeParameters Parameters() => new(_v, _d, Download(_w), Download(_c), Download(_bw), Download(_bc));

    TrainingCheckpoint Checkpoint(int epochsDone) =>
        new(Parameters(), Download(_gw), Download(_gc), Download(_gbw), Download(_gbc), epochsDone) { CostHistory = _costs.ToArray() };

    int LoadCheckpoint(string path)
    {
        var ck = TrainingCheckpoint.Load(path, _v, _d, _o, _inputs);
        _costs.Clear(); _costs.AddRange(ck.CostHistory);
        var p = ck.Parameters;
        void Replace(ref Tensor dst, float[] src, bool matrix) { var old = dst; dst = Upload(src, matrix); old.Dispose(); }
        Replace(ref _w, p.Center, true); Replace(ref _c, p.Context, true);
        Replace(ref _bw, p.CenterBias, false); Replace(ref _bc, p.ContextBias, false);
        Replace(ref _gw, ck.CenterGradSq, true); Replace(ref _gc, ck.ContextGradSq, true);
        Replace(ref _gbw, ck.CenterBiasGradSq, false); Replace(ref _gbc, ck.ContextBiasGradSq, false);
        return ck.EpochsDone;
    }

    public void Dispose()
    {
        foreach (var t in new[] { _i, _j, _logX, _f, _w, _c, _bw, _bc, _gw, _gc, _gbw, _gbc }) t.Dispose();
    }
}
