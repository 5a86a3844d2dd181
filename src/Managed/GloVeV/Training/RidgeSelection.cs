using System.Globalization;
using GloVeV.Cooccurrence;

namespace GloVeV.Training;

/// <summary>One lambda of the held-out search: the weighted squared error of log X on the held-out non-zeros (mean of
/// f (pred - log x)^2) and GloVe's cost on the rest, after the same number of ALS sweeps from the same start.</summary>
public sealed record RidgeCandidate(double Lambda, double HeldOutError, double TrainingCost);

/// <summary>
/// A data-driven ridge: hold out a share of the word pairs (both (i, j) and (j, i), chosen by a seeded hash so the
/// split is the same for every lambda), run ALS from the same start on the rest for each lambda of a grid, and keep the
/// lambda with the smallest weighted error on the held-out pairs — the prior scale that predicts unseen co-occurrences
/// best. A tie (within 0.1%) goes to the larger lambda, which keeps rare words shorter at no cost in fit.
/// </summary>
public static class RidgeSelection
{
    public static readonly double[] DefaultGrid = [0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
    public const double DefaultHoldOut = 0.05;

    public static (double Best, IReadOnlyList<RidgeCandidate> Path) Choose(CsrMatrix x, GloVeParameters start, double xMax, double alpha, int threads,
        IReadOnlyList<double>? grid = null, int sweeps = 3, double holdOut = DefaultHoldOut, ulong seed = 1, Action<RidgeCandidate>? onCandidate = null,
        CancellationToken cancel = default)
    {
        grid ??= DefaultGrid;
        if (grid.Count == 0 || grid.Any(l => !(l >= 0) || !double.IsFinite(l))) throw new GloVeVException("ridge grid must hold finite numbers >= 0");
        if (!(holdOut > 0 && holdOut < 0.5)) throw new GloVeVException($"held-out share must be in (0, 0.5), got {holdOut}");
        ulong cut = (ulong)(holdOut * ulong.MaxValue);
        bool Held(int i, int j)
        {
            var h = new SplitMix64(SplitMix64.Derive(seed, ((ulong)(uint)Math.Min(i, j) << 32) | (uint)Math.Max(i, j)));
            return h.Next() < cut;
        }
        var all = SparseRows.Of(x);
        var train = SparseRows.Filter(all, (i, j) => !Held(i, j));
        var test = SparseRows.Filter(all, Held);
        if (test.NonZeros == 0) throw new GloVeVException("the held-out share selected no non-zeros; the matrix is too small for a ridge search");
        var trainT = SparseRows.Transpose(train);
        var path = new List<RidgeCandidate>();
        foreach (var lambda in grid)
        {
            cancel.ThrowIfCancellationRequested();
            var p = Copy(start);
            using var als = new AlternatingLeastSquares(train, trainT, p, xMax, alpha, lambda, threads);
            var r = als.Run(sweeps, tolerance: 0, cancel: cancel);
            var c = new RidgeCandidate(lambda, 2 * GloVeCost.Mean(test, p, xMax, alpha, threads), r[^1].Cost);
            path.Add(c);
            onCandidate?.Invoke(c);
        }
        double min = path.Min(c => c.HeldOutError);
        double best = path.Where(c => c.HeldOutError <= min * 1.001).Max(c => c.Lambda);
        return (best, path);
    }

    /// <summary>The search as recorded in a model's metadata.</summary>
    public static string Describe(IReadOnlyList<RidgeCandidate> path, double holdOut)
    {
        var inv = CultureInfo.InvariantCulture;
        return $"held-out {holdOut.ToString("R", inv)} of pairs; lambda:error " +
               string.Join(" ", path.Select(c => $"{c.Lambda.ToString("R", inv)}:{c.HeldOutError.ToString("G6", inv)}"));
    }

    static GloVeParameters Copy(GloVeParameters p) =>
        new(p.VocabSize, p.Dim, (float[])p.Center.Clone(), (float[])p.Context.Clone(), (float[])p.CenterBias.Clone(), (float[])p.ContextBias.Clone());
}
