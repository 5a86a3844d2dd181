using GloVeV.Cooccurrence;
using GloVeV.Training;
using GloVeV.Training.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace GloVeV.Variance.Torch;

/// <summary>One word's GloVe-V result from the tensor backend: sigma_i^2 and Sigma_i (D x D, row-major).</summary>
public sealed record TorchWordVariance(int Word, int Contexts, double Sigma2, double[] Covariance);

/// <summary>
/// GloVe-V on the device, in batches (float64 throughout): words of similar |K_i| are padded to a common K and
/// gathered as a [B, K, D] tensor of sqrt(f)-scaled context rows (padding rows are zero, so they add nothing), then
/// H = A^T A by batched matmul, one batched Cholesky, <c>cholesky_solve</c> for the WLS right-hand side and
/// <c>cholesky_inverse</c> for H^-1; residuals at the trained w_i give sigma_i^2. The same quantities as the CPU engine
/// (<see cref="VarianceEngine"/>), which the tests check it against; words with a singular H_i are not handled here
/// (they need the engine's pseudo-inverse) and raise an error.
/// </summary>
public static class TorchVarianceSolver
{
    public static IReadOnlyList<TorchWordVariance> Solve(CsrMatrix x, GloVeParameters p, IReadOnlyList<int> words,
        double xMax = 100, double alpha = 0.75, string device = "auto", int threads = 1, int batchWords = 256)
    {
        TorchRuntime.Initialize(threads);
        var dev = TorchRuntime.Resolve(device);
        int d = p.Dim;
        foreach (int i in words)
            if (x.RowLength(i) <= d) throw new GloVeVException($"word {i} has {x.RowLength(i)} contexts, not more than D = {d}: no variance");
        using var scope = NewDisposeScope();
        var c = tensor(p.Context, [p.VocabSize, d], device: dev).to_type(ScalarType.Float64);
        var cb = tensor(p.ContextBias, device: dev).to_type(ScalarType.Float64);
        var results = new List<TorchWordVariance>();
        // Similar lengths together keep the padding small.
        var order = words.OrderBy(i => x.RowLength(i)).ToArray();
        for (int s = 0; s < order.Length; s += batchWords)
        {
            using var batchScope = NewDisposeScope();
            var batch = order.Skip(s).Take(batchWords).ToArray();
            int b = batch.Length, kMax = batch.Max(i => x.RowLength(i));
            var cols = new long[b * kMax];
            var vals = new double[b * kMax];
            for (int q = 0; q < b; q++)
            {
                var ci = x.RowIndices(batch[q]); var vi = x.RowValues(batch[q]);
                for (int t = 0; t < ci.Length; t++) { cols[q * kMax + t] = ci[t]; vals[q * kMax + t] = vi[t]; }
            }
            var colT = tensor(cols, [b, kMax], device: dev);
            var valT = tensor(vals, [b, kMax], device: dev);
            var present = valT > 0;
            var logX = log(where(present, valT, ones_like(valT)));
            // sqrt(f) = min(1, (x / x_max)^(alpha/2)); zero on padding.
            var sqrtF = where(present, clamp_max(exp(0.5 * alpha * (logX - Math.Log(xMax))), 1.0), zeros_like(valT));
            var bi = tensor(batch.Select(i => (double)p.CenterBias[i]).ToArray(), device: dev);
            var wi = tensor(batch.SelectMany(i => p.CenterRow(i).ToArray().Select(v => (double)v)).ToArray(), [b, d], device: dev);
            var flatCols = colT.flatten();
            var rows = c.index_select(0, flatCols).reshape(b, kMax, d);                 // [B, K, D]
            var a = rows * sqrtF.unsqueeze(2);                                          // sqrt(f) c_j
            var target = sqrtF * (logX - bi.unsqueeze(1) - cb.index_select(0, flatCols).reshape(b, kMax)); // sqrt(f) (log X - b - c~)
            var h = matmul(a.transpose(1, 2), a);                                       // [B, D, D]
            Tensor factor;
            try { factor = linalg.cholesky(h); }
            catch (Exception e) when (e is not GloVeVException)
            {
                throw new GloVeVException($"a word among {string.Join(", ", batch.Take(5))}... has a singular H_i ({e.Message.Split('\n')[0]}); use the CPU engine, which falls back to a pseudo-inverse");
            }
            var residual = target - matmul(a, wi.unsqueeze(2)).squeeze(2);              // at the trained w_i
            var k = tensor(batch.Select(i => (double)x.RowLength(i)).ToArray(), device: dev);
            var sigma2 = (residual * residual).sum(1) / (k - d);
            var cov = cholesky_inverse(factor) * sigma2.unsqueeze(1).unsqueeze(2);
            using var covCpu = cov.cpu(); using var s2Cpu = sigma2.cpu();
            var covAll = covCpu.data<double>().ToArray();
            var s2All = s2Cpu.data<double>().ToArray();
            for (int q = 0; q < b; q++)
            {
                var m = covAll.AsSpan(q * d * d, d * d).ToArray();
                if (m.Any(v => !double.IsFinite(v))) throw new GloVeVException($"word {batch[q]}: non-finite covariance on the device (singular H_i?)");
                results.Add(new TorchWordVariance(batch[q], x.RowLength(batch[q]), s2All[q], m));
            }
        }
        return results.OrderBy(r => r.Word).ToList();
    }
}
