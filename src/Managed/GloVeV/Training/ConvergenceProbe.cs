using GloVeV.Cooccurrence;

namespace GloVeV.Training;

/// <summary>
/// How far the word vectors are from the point GloVe-V assumes: the median over a fixed sample of frequent words
/// (more than 10 D contexts, up to <see cref="MaxWords"/> spread evenly over that band) of cos(trained w_i, WLS w_i),
/// the WLS (ridge) solution given C and both biases — the same quantity the variance stage reports for every word.
/// Cheap enough to run after every epoch (a few hundred D x D solves).
/// </summary>
public sealed class ConvergenceProbe : IDisposable
{
    public const int MaxWords = 128;
    readonly CsrMatrix _x;
    readonly int[] _words;
    readonly double _xMax, _alpha, _ridge;
    readonly int _threads;
    readonly AugmentedRows _contexts;

    public ConvergenceProbe(CsrMatrix x, int dim, double xMax, double alpha, double ridge, int threads)
    {
        _x = x; _xMax = xMax; _alpha = alpha; _ridge = ridge; _threads = threads;
        var band = Enumerable.Range(0, x.Rows).Where(i => x.RowLength(i) > 10 * dim).ToArray();
        _words = band.Length <= MaxWords ? band : Enumerable.Range(0, MaxWords).Select(k => band[(int)((long)k * band.Length / MaxWords)]).ToArray();
        _contexts = new AugmentedRows(x.Rows, dim);
    }

    /// <summary>Words in the sample (0 when no word has more than 10 D contexts).</summary>
    public int Words => _words.Length;

    /// <summary>Median cos(trained, WLS) over the sample; NaN when it is empty.</summary>
    public double MedianCosine(GloVeParameters p)
    {
        if (_words.Length == 0) return double.NaN;
        _contexts.Load(p.Context);
        int d = p.Dim;
        var cos = new double[_words.Length];
        var solvers = new AlsRowSolver[Math.Max(1, _threads)];
        var work = new double[solvers.Length][];
        for (int t = 0; t < solvers.Length; t++) { solvers[t] = new AlsRowSolver(_contexts, p.ContextBias, _xMax, _alpha, _ridge); work[t] = new double[d + 1]; }
        ParallelRows.Run(Enumerable.Range(0, _words.Length).ToArray(), solvers.Length, (t, k) =>
        {
            int i = _words[k];
            var w = work[t];
            cos[k] = solvers[t].Solve(_x.RowIndices(i), _x.RowValues(i), p.CenterBias[i], w, requireDecrease: false)
                ? Cosine(p.CenterRow(i), w.AsSpan(0, d)) : double.NaN;
        });
        var ok = cos.Where(double.IsFinite).Order().ToArray();
        return ok.Length == 0 ? double.NaN : ok.Length % 2 == 1 ? ok[ok.Length / 2] : 0.5 * (ok[ok.Length / 2 - 1] + ok[ok.Length / 2]);
    }

    static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int q = 0; q < a.Length; q++) { ab += a[q] * b[q]; aa += (double)a[q] * a[q]; bb += b[q] * b[q]; }
        return aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : 0;
    }

    public void Dispose() => _contexts.Dispose();
}
