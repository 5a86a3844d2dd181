using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GloVeV.Native;

namespace GloVeV.Training;

/// <summary>
/// One weighted least-squares block of GloVe's objective: for a row r with non-zeros (j, x_j),
///   min over (u, beta) of  sum_j f(x_j) (log x_j - bias_j - beta - u . v_j)^2 + lambda ||u||^2,
/// with the other side (v_j, bias_j) fixed — the exact update of alternating least squares. With a fixed
/// <c>beta</c> only u is solved (the vector GloVe-V's covariance is centred on). The normal equations are built as the
/// variance engine builds H_i: sqrt(f)-scaled rows gathered into a packed panel and added by the packed SYRK kernel,
/// then factored by the backend's Cholesky. One instance per thread.
/// </summary>
public sealed unsafe class AlsRowSolver
{
    readonly AugmentedRows _other;
    readonly float[] _otherBias;
    readonly double _xMax, _alpha, _ridge;
    readonly int _d, _dp;
    readonly bool _backendGram;
    readonly AlignedBuffer _sqrtF = new(1), _st = new(1);
    readonly AlignedBuffer _panel, _h, _rhs, _current, _proposed;

    /// <param name="backendGram">The normal equations' Gram by the backend's DSYRK (true) or the packed kernel (false);
    /// null: <see cref="PackedGram.PreferBackendSyrk"/>.</param>
    public AlsRowSolver(AugmentedRows other, float[] otherBias, double xMax, double alpha, double ridge, bool? backendGram = null)
    {
        _other = other; _otherBias = otherBias; _xMax = xMax; _alpha = alpha; _ridge = ridge;
        _backendGram = backendGram ?? PackedGram.PreferBackendSyrk;
        _d = other.Dim; _dp = other.PaddedDim;
        _panel = new AlignedBuffer(PackedGram.PanelLength(_dp)); _h = new AlignedBuffer(_dp * _dp); _rhs = new AlignedBuffer(_dp);
        _current = new AlignedBuffer(_dp); _proposed = new AlignedBuffer(_dp);
    }

    /// <summary>Solves the block. <paramref name="solution"/> holds the current (u[, beta]) on entry — D values and,
    /// unless <paramref name="fixedBias"/> is given, the bias as value D — and the minimiser on return. Returns false
    /// (solution untouched) when the normal equations are not positive definite (fewer than D + 1 non-zeros without a
    /// ridge, or numerically singular), the solution is not finite, or, through rounding in a nearly singular system, it
    /// would not lower the block's objective: so a sweep never raises the cost it minimises.</summary>
    public bool Solve(ReadOnlySpan<int> cols, ReadOnlySpan<double> vals, double? fixedBias, Span<double> solution, bool requireDecrease = true)
    {
        int k = cols.Length, d = _d, dp = _dp;
        int n = fixedBias is null ? d + 1 : d;
        if (k == 0 || (_ridge == 0 && k < n)) return false;
        _sqrtF.Ensure(k); _st.Ensure(k);
        double* sf = _sqrtF.Pointer, st = _st.Pointer, rhs = _rhs.Pointer, panel = _panel.Pointer, h = _h.Pointer;
        float* rowsBase = _other.Pointer;
        new Span<double>(h, dp * dp).Clear();
        new Span<double>(rhs, dp).Clear();
        fixed (int* colp = cols)
        fixed (double* valp = vals)
        {
            for (int t0 = 0; t0 < k; t0 += PackedGram.PanelRows)
            {
                int rows = Math.Min(PackedGram.PanelRows, k - t0);
                GloVeWeights.SqrtWeightsAndTargets(valp + t0, colp + t0, rows, _xMax, _alpha, fixedBias ?? 0, _otherBias, sf + t0, st + t0);
                for (int t = 0; t < rows; t++)
                {
                    int g = t0 + t;
                    if (Sse.IsSupported && g + 4 < k)
                    {
                        byte* ahead = (byte*)(rowsBase + (long)colp[g + 4] * dp);
                        for (int off = 0; off < dp * sizeof(float); off += 64) Sse.Prefetch0(ahead + off);
                    }
                    float* src = rowsBase + (long)colp[g] * dp;
                    var vs = Vector256.Create(sf[g]);
                    var vst = Vector256.Create(st[g]);
                    for (int q = 0; q < dp; q += 4)
                    {
                        var a = Avx.ConvertToVector256Double(Vector128.Load(src + q)) * vs;
                        a.Store(PackedGram.PanelSlot(panel, t, q, dp, _backendGram));
                        Vector256.FusedMultiplyAdd(vst, a, Vector256.Load(rhs + q)).Store(rhs + q);
                    }
                }
                PackedGram.AccumulatePanel(panel, rows, dp, n, h, _backendGram);
            }
        }
        // The ridge is a prior on the vector only; the bias stays unpenalised.
        if (_ridge > 0) for (int q = 0; q < d; q++) h[(long)q * dp + q] += _ridge;
        // h holds the lower triangle row-major = the upper triangle column-major: factor in place.
        if (RowCholesky.Factor(h, n, dp) != 0) return false;
        DenseLinearAlgebra.SolveCholesky(h, n, rhs, lda: dp, upper: true);
        for (int q = 0; q < n; q++) if (!double.IsFinite(rhs[q])) return false;
        // The objective at the rows' float32 precision, old against new (the new one is stored as float32 too).
        if (!requireDecrease) { new ReadOnlySpan<double>(rhs, n).CopyTo(solution); return true; }
        double* current = _current.Pointer, proposed = _proposed.Pointer;
        new Span<double>(current, dp).Clear(); new Span<double>(proposed, dp).Clear();
        for (int q = 0; q < n; q++) { current[q] = (float)solution[q]; proposed[q] = (float)rhs[q]; }
        if (Objective(cols, proposed) > Objective(cols, current)) return false;
        new ReadOnlySpan<double>(rhs, n).CopyTo(solution);
        return true;
    }

    /// <summary>sum_t (st_t - sf_t [v_j, 1] . x)^2 + lambda ||u||^2 over the row gathered last (weights and targets
    /// still in the workspace); x holds Dp values, zero beyond the solved ones.</summary>
    double Objective(ReadOnlySpan<int> cols, double* xp)
    {
        int dp = _dp;
        double* sf = _sqrtF.Pointer, st = _st.Pointer;
        float* rowsBase = _other.Pointer;
        double sse = 0;
        for (int t = 0; t < cols.Length; t++)
        {
            float* src = rowsBase + (long)cols[t] * dp;
            var dot = Vector256<double>.Zero;
            for (int q = 0; q < dp; q += 4)
                dot = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Double(Vector128.Load(src + q)), Vector256.Load(xp + q), dot);
            double res = st[t] - sf[t] * Vector256.Sum(dot);
            sse += res * res;
        }
        double pen = 0;
        for (int q = 0; q < _d; q++) pen += xp[q] * xp[q];
        return sse + _ridge * pen;
    }
}
