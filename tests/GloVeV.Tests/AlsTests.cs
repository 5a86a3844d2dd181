using GloVeV.Cooccurrence;
using GloVeV.Inference;
using GloVeV.Text;
using GloVeV.Training;
using GloVeV.Variance;
using Xunit;

namespace GloVeV.Tests;

/// <summary>Alternating least squares checked against independent dense solves and closed forms.</summary>
public class AlsTests(CorporaFixture corpora) : IClassFixture<CorporaFixture>
{
    const double XMax = 100, Alpha = 0.75;

    /// <summary>A few AdaGrad epochs: a realistic, not yet converged start.</summary>
    (CsrMatrix X, GloVeParameters P, string Vocab, string Cooc) Start(int dim = 6, int epochs = 2)
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var dir = TestPaths.TempDir();
        ModelTraining.Train(cooc, vocab, dir, new TrainingOptions { Dim = dim, Epochs = epochs, Threads = 1 });
        var p = GloVeParameters.Load(Path.Combine(dir, GloVeParameters.ParamsFile));
        return (CsrMatrix.OpenDirectory(cooc, p.VocabSize), p, vocab, cooc);
    }

    /// <summary>min over (u, beta) of sum_j f (log x - ob_j - beta - u.v_j)^2 + lambda ||u||^2 by the dense normal
    /// equations in decimal arithmetic (ReferenceMath), row by row of a dense copy of the other side.</summary>
    static double[] DenseBlock(ReadOnlySpan<int> cols, ReadOnlySpan<double> vals, float[] other, float[] otherBias, int d, double lambda)
    {
        int n = d + 1;
        var h = new double[n, n];
        var rhs = new double[n];
        for (int t = 0; t < cols.Length; t++)
        {
            int j = cols[t];
            double f = vals[t] >= XMax ? 1 : Math.Pow(vals[t] / XMax, Alpha);
            var a = new double[n];
            for (int q = 0; q < d; q++) a[q] = other[j * d + q];
            a[d] = 1;
            double y = Math.Log(vals[t]) - otherBias[j];
            for (int q = 0; q < n; q++) { rhs[q] += f * y * a[q]; for (int u = 0; u < n; u++) h[q, u] += f * a[q] * a[u]; }
        }
        for (int q = 0; q < d; q++) h[q, q] += lambda;
        var inv = ReferenceMath.Inverse(h);
        var x = new double[n];
        for (int q = 0; q < n; q++) for (int u = 0; u < n; u++) x[q] += inv[q, u] * rhs[u];
        return x;
    }

    /// <summary>Both ways of forming the normal equations (the packed kernel; the backend's DSYRK, chosen where MKL runs
    /// AVX-512); D = 6 with the bias makes 7 unknowns in 8 padded columns, D = 8 makes 9 in 16.</summary>
    [Theory]
    [InlineData(0.0, false, 6)]
    [InlineData(0.5, false, 6)]
    [InlineData(0.0, true, 6)]
    [InlineData(0.5, true, 8)]
    public void EachHalfSweepIsTheDenseClosedForm(double lambda, bool backendGram, int dim)
    {
        var (x, p, _, _) = Start(dim);
        int d = p.Dim;
        var w0 = (float[])p.Center.Clone(); var b0 = (float[])p.CenterBias.Clone();
        var c0 = (float[])p.Context.Clone(); var cb0 = (float[])p.ContextBias.Clone();
        using var als = new AlternatingLeastSquares(x, p, XMax, Alpha, lambda, threads: 2) { BackendGram = backendGram };
        als.UpdateContexts();
        // Context side: column j of X (the matrix is symmetric, so its row j) against the old W and b.
        var words = Enumerable.Range(0, x.Rows).Where(i => x.RowLength(i) > d + 1).Where((_, k) => k % 37 == 0).Take(25).ToList();
        Assert.True(words.Count >= 10);
        foreach (int j in words)
        {
            var want = DenseBlock(x.RowIndices(j), x.RowValues(j), w0, b0, d, lambda);
            for (int q = 0; q < d; q++) Assert.Equal(want[q], p.Context[j * d + q], 3e-4 * (1 + Math.Abs(want[q])));
            Assert.Equal(want[d], p.ContextBias[j], 3e-4 * (1 + Math.Abs(want[d])));
        }
        var c1 = (float[])p.Context.Clone(); var cb1 = (float[])p.ContextBias.Clone();
        als.UpdateWords();
        foreach (int i in words)
        {
            var want = DenseBlock(x.RowIndices(i), x.RowValues(i), c1, cb1, d, lambda);
            for (int q = 0; q < d; q++) Assert.Equal(want[q], p.Center[i * d + q], 3e-4 * (1 + Math.Abs(want[q])));
            Assert.Equal(want[d], p.CenterBias[i], 3e-4 * (1 + Math.Abs(want[d])));
        }
        // Without a ridge, a row with fewer than D + 1 non-zeros has no unique solution and keeps its values.
        if (lambda == 0)
            foreach (int i in Enumerable.Range(0, x.Rows).Where(i => x.RowLength(i) <= d).Take(20))
                Assert.Equal(c0.AsSpan(i * d, d).ToArray(), p.Context.AsSpan(i * d, d).ToArray());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    public void TheObjectiveNeverRisesAndBeatsAdaGrad(double lambda)
    {
        var (x, p, _, _) = Start(dim: 8, epochs: 3);
        double adagrad = GloVeCost.Mean(x, p, XMax, Alpha, 1);
        using var als = new AlternatingLeastSquares(x, p, XMax, Alpha, lambda, threads: 2);
        double before = als.Evaluate().Objective;
        var sweeps = als.Run(6, tolerance: 0);
        Assert.Equal(6, sweeps.Count);
        double prev = before;
        foreach (var s in sweeps)
        {
            Assert.True(s.Objective <= prev * (1 + 1e-12), $"sweep {s.Sweep}: objective {s.Objective} after {prev}");
            prev = s.Objective;
        }
        if (lambda == 0) Assert.True(sweeps[^1].Cost < 0.7 * adagrad, $"ALS cost {sweeps[^1].Cost} vs AdaGrad {adagrad}");
        // The same cost computed independently, in plain double loops.
        double sum = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            var cols = x.RowIndices(i); var vals = x.RowValues(i);
            for (int t = 0; t < cols.Length; t++)
            {
                int j = cols[t];
                double pred = (double)p.CenterBias[i] + p.ContextBias[j];
                for (int q = 0; q < p.Dim; q++) pred += (double)p.Center[i * p.Dim + q] * p.Context[j * p.Dim + q];
                double diff = pred - Math.Log(vals[t]);
                sum += 0.5 * (vals[t] >= XMax ? 1 : Math.Pow(vals[t] / XMax, Alpha)) * diff * diff;
            }
        }
        Assert.Equal(sum / x.NonZeros, sweeps[^1].Cost, 1e-9);
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var (x, p, _, _) = Start();
        var q = new GloVeParameters(p.VocabSize, p.Dim, (float[])p.Center.Clone(), (float[])p.Context.Clone(), (float[])p.CenterBias.Clone(), (float[])p.ContextBias.Clone());
        using (var a = new AlternatingLeastSquares(x, p, XMax, Alpha, 0.1, 1)) a.Run(2, 0);
        using (var b = new AlternatingLeastSquares(x, q, XMax, Alpha, 0.1, 2)) b.Run(2, 0);
        Assert.Equal(p.Center, q.Center);
        Assert.Equal(p.ContextBias, q.ContextBias);
    }

    [Fact]
    public void RidgeCovarianceIsTheClosedForm()
    {
        const double lambda = 0.4;
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var dir = TestPaths.TempDir();
        var r = ModelTraining.Train(cooc, vocab, dir, new TrainingOptions { Dim = 5, Epochs = 2, Threads = 2, AlsSweeps = 3, AlsTolerance = 0, Ridge = lambda });
        Assert.Equal(3, r.Sweeps!.Count);
        var p = GloVeParameters.Load(Path.Combine(dir, GloVeParameters.ParamsFile));
        Assert.Equal("0.4", p.Metadata["ridge"]);
        var summary = VarianceEngine.Run(dir, cooc, null, new VarianceOptions { Threads = 2, ApproxTarget = 0 });
        // Every w_i is its ridge WLS optimum given C and the biases: GloVe-V's premise holds.
        Assert.True(summary.MedianCosineToWls > 0.99999, $"median cos(trained, WLS) {summary.MedianCosineToWls}");
        Assert.DoesNotContain(summary.Warnings, w => w.Contains("not the weighted least-squares estimates"));
        using var x = CsrMatrix.OpenDirectory(cooc, p.VocabSize);
        using var m = GloVeModel.Load(dir);
        int d = p.Dim, checkedWords = 0;
        foreach (int i in Enumerable.Range(0, x.Rows).Where(i => x.RowLength(i) > d).Where((_, k) => k % 53 == 0).Take(15))
        {
            var (h, _, k) = ReferenceMath.NormalEquations(x, p, i, XMax, Alpha);
            var a = (double[,])h.Clone();
            for (int q = 0; q < d; q++) a[q, q] += lambda;
            var ainv = ReferenceMath.Inverse(a);
            // Effective parameters of a ridge fit: tr(H (H + lambda I)^-1).
            double df = 0;
            for (int q = 0; q < d; q++) for (int u = 0; u < d; u++) df += h[q, u] * ainv[u, q];
            double sse = 0;
            var cols = x.RowIndices(i); var vals = x.RowValues(i);
            for (int t = 0; t < cols.Length; t++)
            {
                int j = cols[t];
                double f = vals[t] >= XMax ? 1 : Math.Pow(vals[t] / XMax, Alpha);
                double pred = (double)p.CenterBias[i] + p.ContextBias[j];
                for (int q = 0; q < d; q++) pred += (double)p.Center[i * d + q] * p.Context[j * d + q];
                sse += f * (Math.Log(vals[t]) - pred) * (Math.Log(vals[t]) - pred);
            }
            double s2 = sse / (k - df);
            var got = m.Covariance(i);
            for (int q = 0; q < d; q++) for (int u = 0; u < d; u++)
                Assert.Equal(s2 * ainv[q, u], got[q * d + u], 1e-7 * (1 + Math.Abs(s2 * ainv[q, u])));
            checkedWords++;
        }
        Assert.True(checkedWords >= 8);
    }

    [Fact]
    public void AnUndertrainedModelIsFlaggedAtTheVarianceStageAndOnOpening()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var dir = TestPaths.TempDir();
        ModelTraining.Train(cooc, vocab, dir, new TrainingOptions { Dim = 5, Epochs = 2, Threads = 2 });
        var summary = VarianceEngine.Run(dir, cooc, null, new VarianceOptions { Threads = 2, ApproxTarget = 0 });
        var warning = Assert.Single(summary.Warnings, w => w.Contains("not the weighted least-squares estimates"));
        using var m = GloVeModel.Load(dir);
        Assert.Contains(warning, m.PremiseWarnings);
    }

    [Fact]
    public void AnInterruptedAlsRunResumesToTheSameModel()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        // (AdaGrad and ALS are reproducible at any fixed thread count.)
        var o = new TrainingOptions { Dim = 6, Epochs = 2, Threads = 1, AlsSweeps = 4, AlsTolerance = 0, Ridge = 0.05, CheckpointEvery = 1 };
        var full = TestPaths.TempDir();
        ModelTraining.Train(cooc, vocab, full, o);
        var cut = TestPaths.TempDir();
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => ModelTraining.Train(cooc, vocab, cut, o, onSweep: s => { if (s.Sweep == 2) cts.Cancel(); }, cancel: cts.Token));
        Assert.Equal(2, TrainingCheckpoint.AlsSweepsIn(Path.Combine(cut, TrainingCheckpoint.FileName)));
        var resumed = ModelTraining.Train(cooc, vocab, cut, o, resume: true);
        Assert.Equal(2, resumed.Sweeps!.Count);
        var a = GloVeParameters.Load(Path.Combine(full, GloVeParameters.ParamsFile));
        var b = GloVeParameters.Load(Path.Combine(cut, GloVeParameters.ParamsFile));
        Assert.Equal(a.Center, b.Center);
        Assert.Equal(a.Context, b.Context);
        Assert.Equal(a.CenterBias, b.CenterBias);
        Assert.Equal("4", b.Metadata["als_sweeps"]);
    }

    [Fact]
    public void AlsFromTheInitialVectorsAndFromAModel()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var scratch = TestPaths.TempDir();
        var r = ModelTraining.Train(cooc, vocab, scratch, new TrainingOptions { Dim = 6, Epochs = 0, Threads = 2, AlsSweeps = 3 });
        Assert.Empty(r.Epochs);
        Assert.Equal("cpu-als", r.Backend);
        var refined = TestPaths.TempDir();
        var r2 = ModelTraining.Train(cooc, vocab, refined, new TrainingOptions { Dim = 6, Epochs = 0, Threads = 2, AlsSweeps = 2, InitFrom = scratch, AlsTolerance = 0 });
        Assert.True(r2.Sweeps![^1].Cost <= r.Sweeps![^1].Cost * (1 + 1e-9));
        Assert.Contains("init_from", Assert.Throws<GloVeVException>(() => ModelTraining.Train(cooc, vocab, refined, new TrainingOptions { Dim = 7, Epochs = 0, AlsSweeps = 1, InitFrom = scratch })).Message);
        Assert.Contains("ridge", Assert.Throws<GloVeVException>(() => new TrainingOptions { Ridge = 1 }.Validate()).Message);
        Assert.Contains("ridge", Assert.Throws<GloVeVException>(() => new TrainingOptions { AlsSweeps = 1, Ridge = double.NaN }.Validate()).Message);
    }

    [Fact]
    public void EpochsAutoStopsWhenConvergedAndReportsWhy()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var dir = TestPaths.TempDir();
        var o = new TrainingOptions { Dim = 6, Epochs = 200, Threads = 2, AutoStop = new TrainingOptions.AutoStopRule(Tolerance: 0.01, Cosine: 0.5) };
        var r = ModelTraining.Train(cooc, vocab, dir, o);
        Assert.True(r.Epochs.Count < 200, "auto never stopped");
        var last = r.Epochs[^1];
        Assert.True(Math.Abs(last.RelativeChange) < 0.01 && last.MedianCosineToWls >= 0.5, $"{last}");
        Assert.All(r.Epochs, e => Assert.True(double.IsFinite(e.MedianCosineToWls)));
        var p = GloVeParameters.Load(Path.Combine(dir, GloVeParameters.ParamsFile));
        Assert.Equal(r.Epochs.Count.ToString(), p.Metadata["epochs"]);
        Assert.StartsWith("auto", p.Metadata["epochs_rule"]);
    }
}

public class RidgeSelectionTests(CorporaFixture corpora) : IClassFixture<CorporaFixture>
{
    [Fact]
    public void TheSearchScoresEveryLambdaOnTheSameHeldOutPairs()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var dir = TestPaths.TempDir();
        ModelTraining.Train(cooc, vocab, dir, new TrainingOptions { Dim = 5, Epochs = 2, Threads = 1 });
        var p = GloVeParameters.Load(Path.Combine(dir, GloVeParameters.ParamsFile));
        using var x = CsrMatrix.OpenDirectory(cooc, p.VocabSize);
        var before = (float[])p.Center.Clone();
        var (best, path) = RidgeSelection.Choose(x, p, 100, 0.75, 2, [0, 0.1, 1], sweeps: 2);
        Assert.Equal(before, p.Center); // the start is not modified
        Assert.Equal([0, 0.1, 1], path.Select(c => c.Lambda).ToArray());
        Assert.All(path, c => Assert.True(c.HeldOutError > 0 && double.IsFinite(c.HeldOutError)));
        Assert.Equal(path.OrderBy(c => c.HeldOutError).First().HeldOutError, path.Single(c => c.Lambda == best).HeldOutError, 0.001 * path.Min(c => c.HeldOutError) + 1e-15);
        // Deterministic: the same split and the same sweeps give the same numbers.
        var again = RidgeSelection.Choose(x, p, 100, 0.75, 1, [0, 0.1, 1], sweeps: 2).Path;
        Assert.Equal(path.Select(c => c.HeldOutError), again.Select(c => c.HeldOutError));
        var model = TestPaths.TempDir();
        var r = ModelTraining.Train(cooc, vocab, model, new TrainingOptions { Dim = 5, Epochs = 2, Threads = 1, AlsSweeps = 2, RidgeAuto = true });
        Assert.Contains(r.Ridge, RidgeSelection.DefaultGrid);
        Assert.StartsWith("held-out", GloVeParameters.Load(Path.Combine(model, GloVeParameters.ParamsFile)).Metadata["ridge_selection"]);
    }
}
