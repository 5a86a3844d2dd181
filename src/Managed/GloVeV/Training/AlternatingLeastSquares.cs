using System.Diagnostics;
using System.Globalization;
using GloVeV.Cooccurrence;

namespace GloVeV.Training;

/// <summary>One sweep's outcome. Cost is GloVe's (mean of 0.5 f diff^2 over the non-zeros, as the AdaGrad epochs
/// report it); Objective adds the ridge, 0.5 lambda (sum ||w_i||^2 + sum ||c_j||^2), over the non-zeros too — the
/// quantity every sweep lowers. Kept counts rows whose block could not be solved and kept their values.</summary>
public sealed record AlsSweepReport(int Sweep, int Sweeps, double Cost, double Objective, double RelativeChange, double Seconds, int Kept);

/// <summary>
/// Alternating weighted least squares on GloVe's objective sum_ij f(X_ij) (w_i.c_j + b_i + c~_j - log X_ij)^2
/// (+ lambda (sum ||w_i||^2 + sum ||c_j||^2) with a ridge). With the word side fixed each (c_j, c~_j) is one
/// (D+1)-dimensional weighted least-squares solve over column j's non-zeros, and likewise each (w_i, b_i) with the
/// context side fixed, so a half-sweep minimises the objective exactly over its block and no sweep can raise it. The
/// word side goes last: at the end every w_i is exactly the (ridge) WLS optimum given C and the biases, the premise of
/// GloVe-V's covariance. Each row's solve depends only on the other side, so the result is the same for any thread count.
/// </summary>
public sealed class AlternatingLeastSquares : IDisposable
{
    readonly SparseRows _rows, _cols;
    readonly GloVeParameters _p;
    readonly double _xMax, _alpha, _ridge;
    readonly int _threads;
    readonly AugmentedRows _words, _contexts;
    readonly int[] _rowOrder, _colOrder;

    /// <param name="p">Starting parameters, updated in place.</param>
    public AlternatingLeastSquares(CsrMatrix x, GloVeParameters p, double xMax, double alpha, double ridge, int threads)
        : this(SparseRows.Of(x), SparseRows.TransposeOf(x), p, xMax, alpha, ridge, threads) { }

    /// <param name="rows">The non-zeros by word; <paramref name="cols"/> the same non-zeros by context.</param>
    public AlternatingLeastSquares(SparseRows rows, SparseRows cols, GloVeParameters p, double xMax, double alpha, double ridge, int threads)
    {
        if (!(ridge >= 0) || !double.IsFinite(ridge)) throw new GloVeVException($"ridge must be a finite number >= 0, got {ridge}");
        if (rows.Rows != p.VocabSize || cols.Rows != p.VocabSize) throw new GloVeVException($"co-occurrence matrix has {rows.Rows} rows but the parameters {p.VocabSize}");
        _p = p; _xMax = xMax; _alpha = alpha; _ridge = ridge; _threads = Math.Max(1, threads);
        _rows = rows; _cols = cols;
        _words = new AugmentedRows(p.VocabSize, p.Dim); _contexts = new AugmentedRows(p.VocabSize, p.Dim);
        _rowOrder = ParallelRows.ByDescendingLength(_rows); _colOrder = ParallelRows.ByDescendingLength(_cols);
    }

    public double Ridge => _ridge;

    /// <summary>Runs sweeps <paramref name="firstSweep"/>+1 .. <paramref name="sweeps"/>, stopping early once the
    /// objective's relative decrease falls below <paramref name="tolerance"/>. <paramref name="afterSweep"/> may write a
    /// checkpoint.</summary>
    public List<AlsSweepReport> Run(int sweeps, double tolerance, int firstSweep = 0, Action<AlsSweepReport>? onSweep = null,
        Action<int>? afterSweep = null, CancellationToken cancel = default)
    {
        var reports = new List<AlsSweepReport>();
        double previous = Evaluate().Objective;
        for (int s = firstSweep; s < sweeps; s++)
        {
            cancel.ThrowIfCancellationRequested();
            var sw = Stopwatch.StartNew();
            int kept = UpdateContexts(cancel) + UpdateWords(cancel);
            var (cost, objective) = Evaluate();
            if (!double.IsFinite(cost)) throw new GloVeVException($"alternating least squares produced a non-finite cost at sweep {s + 1}");
            double rel = previous > 0 ? (previous - objective) / previous : 0;
            var r = new AlsSweepReport(s + 1, sweeps, cost, objective, rel, sw.Elapsed.TotalSeconds, kept);
            reports.Add(r);
            onSweep?.Invoke(r);
            afterSweep?.Invoke(s + 1);
            previous = objective;
            if (rel < tolerance) break;
        }
        return reports;
    }

    /// <summary>Normal equations' Grams by the backend's DSYRK (true) or the packed kernel (false); null chooses
    /// (<see cref="GloVeV.Native.PackedGram.PreferBackendSyrk"/>). Tests run both.</summary>
    internal bool? BackendGram { get; init; }

    /// <summary>Solves every (c_j, c~_j) given W and b. Returns how many columns kept their values.</summary>
    public int UpdateContexts(CancellationToken cancel = default) =>
        Update(_cols, _colOrder, _words, _p.CenterBias, _p.Context, _p.ContextBias, cancel);

    /// <summary>Solves every (w_i, b_i) given C and c~. Returns how many rows kept their values.</summary>
    public int UpdateWords(CancellationToken cancel = default) =>
        Update(_rows, _rowOrder, _contexts, _p.ContextBias, _p.Center, _p.CenterBias, cancel);

    int Update(SparseRows rows, int[] order, AugmentedRows other, float[] otherBias, float[] vectors, float[] bias, CancellationToken cancel)
    {
        other.Load(other == _words ? _p.Center : _p.Context);
        int d = _p.Dim;
        var solvers = new AlsRowSolver[_threads];
        var work = new double[_threads][];
        for (int t = 0; t < _threads; t++) { solvers[t] = new AlsRowSolver(other, otherBias, _xMax, _alpha, _ridge, BackendGram); work[t] = new double[d + 1]; }
        int kept = 0;
        ParallelRows.Run(order, _threads, (t, r) =>
        {
            var x = work[t];
            for (int q = 0; q < d; q++) x[q] = vectors[(long)r * d + q];
            x[d] = bias[r];
            if (solvers[t].Solve(rows.Indices(r), rows.Values(r), null, x))
            {
                for (int q = 0; q < d; q++) vectors[(long)r * d + q] = (float)x[q];
                bias[r] = (float)x[d];
            }
            else Interlocked.Increment(ref kept);
        }, cancel);
        return kept;
    }

    /// <summary>GloVe's cost and the penalised objective, both per non-zero, at the current parameters.</summary>
    public (double Cost, double Objective) Evaluate()
    {
        double cost = GloVeCost.Mean(_rows, _p, _xMax, _alpha, _threads);
        if (_ridge == 0) return (cost, cost);
        double pen = 0;
        foreach (var v in _p.Center) pen += (double)v * v;
        foreach (var v in _p.Context) pen += (double)v * v;
        return (cost, cost + 0.5 * _ridge * pen / _rows.NonZeros);
    }

    /// <summary>Metadata recorded with a model refined by ALS.</summary>
    /// <param name="costs">The cost of every sweep of the run, those before a resume included (null: those of
    /// <paramref name="sweeps"/>).</param>
    public static void Describe(GloVeParameters p, double ridge, IReadOnlyList<AlsSweepReport> sweeps, int sweepsDone, double tolerance,
        IReadOnlyList<double>? costs = null)
    {
        var inv = CultureInfo.InvariantCulture;
        p.Metadata["als_sweeps"] = sweepsDone.ToString(inv);
        p.Metadata["als_tol"] = tolerance.ToString("R", inv);
        p.Metadata["ridge"] = ridge.ToString("R", inv);
        costs ??= sweeps.Select(s => s.Cost).ToArray();
        if (costs.Count > 0)
        {
            p.Metadata["als_cost_history"] = string.Join(",", costs.Select(c => c.ToString("R", inv)));
            p.Metadata["final_cost"] = costs[^1].ToString("R", inv);
        }
    }

    public void Dispose() { _words.Dispose(); _contexts.Dispose(); }
}
