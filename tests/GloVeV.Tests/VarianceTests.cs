using GloVeV.Cooccurrence;
using GloVeV.Inference;
using GloVeV.IO;
using GloVeV.Text;
using GloVeV.Training;
using GloVeV.Variance;
using Xunit;

namespace GloVeV.Tests;

public class VarianceTests(CorporaFixture corpora) : IClassFixture<CorporaFixture>
{
    (string ModelDir, string Cooc) SmallModel(int dim = 8, int epochs = 15)
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt", 5, 5);
        var dir = TestPaths.TempDir();
        ModelTraining.Train(cooc, vocab, dir, new TrainingOptions { Dim = dim, Epochs = epochs, Threads = 2, Seed = 2 });
        return (dir, cooc);
    }

    /// <summary>Both ways of forming H_i (the packed AVX2 kernel, and the backend's DSYRK chosen where MKL runs AVX-512)
    /// against a plain dense reference (D = 10: padded to 16 columns).</summary>
    [Theory]
    [InlineData(false, 8)]
    [InlineData(true, 8)]
    [InlineData(false, 10)]
    [InlineData(true, 10)]
    public void MatchesAPlainDenseReferenceToOneInAHundredMillion(bool backendGram, int dim)
    {
        var (modelDir, cooc) = SmallModel(dim);
        var s = VarianceEngine.Run(modelDir, cooc, null, new VarianceOptions { Threads = 2, ChunkWords = 97, BackendGram = backendGram });
        var p = GloVeParameters.Load(Path.Combine(modelDir, "params.safetensors"));
        var vocab = Vocabulary.Load(Path.Combine(modelDir, "vocab.txt"));
        using var x = CsrMatrix.OpenDirectory(cooc, vocab.Count);
        using var store = new VarianceStore(Path.Combine(modelDir, "variances"));
        int d = p.Dim, checkedWords = 0;
        double worst = 0;
        string worstInfo = "";
        // Both computations lose about cond(H_i) * 1e-16 of relative accuracy, so the 1e-8 bound is checked on words
        // whose H_i has a condition number below 1e7 (the engine reports it per word; the reference is decimal).
        var condition = File.ReadLines(Path.Combine(modelDir, "variances", "variance_info.tsv")).Skip(1).Select(l => l.Split('\t'))
            .ToDictionary(f => int.Parse(f[1]), f => f[5] == "NA" ? double.NaN : double.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture));
        for (int i = 0; i < vocab.Count && checkedWords < 300; i += 3)
        {
            if (x.RowLength(i) <= d) { Assert.False(store.Has(i)); continue; }
            if (!(condition[i] < 1e7)) continue;
            var expect = ReferenceMath.GloVeVCovariance(x, p, i, 100, 0.75);
            var got = store.Covariance(i, vocab[i]);
            double scale = 0, err = 0;
            for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) { scale = Math.Max(scale, Math.Abs(expect[a, b])); err = Math.Max(err, Math.Abs(expect[a, b] - got[a * d + b])); }
            if (err / scale > worst) worstInfo = $"word {i} K={x.RowLength(i)} cond={condition[i]} ratio00={got[0] / expect[0, 0]:R} ratio11={got[d + 1] / expect[1, 1]:R} ratio01={got[1] / expect[0, 1]:R}";
            worst = Math.Max(worst, err / scale);
            checkedWords++;
        }
        Assert.True(checkedWords >= 200, $"only {checkedWords} words checked");
        Assert.True(worst <= 1e-8, $"max relative error {worst} ({worstInfo})");
        Assert.True(s.Chunks > 1);
        Assert.True(s.TooFewContexts > 0);
        var info = File.ReadAllLines(Path.Combine(modelDir, "variances", "variance_info.tsv"));
        Assert.Equal(vocab.Count + 1, info.Length);
        Assert.Contains(info, l => l.Contains("\ttoo_few_contexts\t"));
    }

    [Fact]
    public void TheSpreadAndConditionColumnsAreThoseOfTheMatricesThemselves()
    {
        // D = 13 is not a multiple of the 4- and 8-wide vector loops, so their scalar tails take part.
        var (modelDir, cooc) = SmallModel(dim: 13);
        VarianceEngine.Run(modelDir, cooc, null, new VarianceOptions { Threads = 2 });
        var p = GloVeParameters.Load(Path.Combine(modelDir, "params.safetensors"));
        var vocab = Vocabulary.Load(Path.Combine(modelDir, "vocab.txt"));
        using var x = CsrMatrix.OpenDirectory(cooc, vocab.Count);
        using var store = new VarianceStore(Path.Combine(modelDir, "variances"));
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        static void Near(double expect, double got, double rel, string what) =>
            Assert.True(Math.Abs(expect - got) <= rel * Math.Max(Math.Abs(expect), Math.Abs(got)), $"{what}: expected {expect:R}, got {got:R}");
        int d = p.Dim, checkedWords = 0;
        foreach (var f in File.ReadLines(Path.Combine(modelDir, "variances", "variance_info.tsv")).Skip(1).Select(l => l.Split('\t')))
        {
            if (f[4] != "ok" || checkedWords >= 300) continue;
            int i = int.Parse(f[1], inv);
            var sigma = store.Covariance(i, vocab[i]);
            double trace = 0, square = 0, normOne = 0;
            for (int a = 0; a < d; a++)
            {
                double row = 0;
                for (int b = 0; b < d; b++) { square += sigma[a * d + b] * sigma[a * d + b]; row += Math.Abs(sigma[a * d + b]); }
                trace += sigma[a * d + a];
                normOne = Math.Max(normOne, row);
            }
            Near(trace, double.Parse(f[8], inv), 1e-12, $"trace of '{vocab[i]}'");
            Near(square, double.Parse(f[9], inv), 1e-12, $"trace of the square of '{vocab[i]}'");
            Near(normOne, double.Parse(f[10], inv), 1e-12, $"1-norm of '{vocab[i]}'");
            // condition = ||H||_1 ||H^-1||_1 with H^-1 = Sigma / sigma^2 (printed to 6 digits).
            var (h, _, _) = ReferenceMath.NormalEquations(x, p, i, 100, 0.75);
            double hNorm = 0;
            for (int b = 0; b < d; b++) { double col = 0; for (int a = 0; a < d; a++) col += Math.Abs(h[a, b]); hNorm = Math.Max(hNorm, col); }
            Near(hNorm * normOne / double.Parse(f[3], inv), double.Parse(f[5], inv), 1e-5, $"condition of '{vocab[i]}'");
            checkedWords++;
        }
        Assert.True(checkedWords >= 100, $"only {checkedWords} words checked");
    }

    [Fact]
    public void SyntheticDataWithKnownTruthRecoversTheNoiseAndCovariance()
    {
        // One word with K contexts, f = 1 everywhere (x_max tiny), log X = b + c~_j + w.c_j + eps, eps ~ N(0, s^2):
        // the WLS estimate has covariance s^2 (C^T C)^-1 exactly, and sigma^2 with K - D degrees of freedom is unbiased.
        const int D = 4, K = 40, reps = 400;
        const double s = 0.3;
        var rng = new SplitMix64(42);
        int v = K + 1;
        var center = new float[v * D]; var context = new float[v * D];
        var cb = new float[v]; var bb = new float[v];
        for (int q = 0; q < v * D; q++) context[q] = (float)rng.NextGaussian();
        double[] wTrue = [0.5, -1.0, 0.25, 2.0];
        for (int q = 0; q < D; q++) center[q] = (float)wTrue[q];
        bb[0] = 0.3f;
        for (int j = 1; j < v; j++) cb[j] = (float)(0.1 * rng.NextGaussian());
        var p = new GloVeParameters(v, D, center, context, bb, cb);
        var vocab = new Vocabulary(Enumerable.Range(0, v).Select(i => "w" + i).ToList(), Enumerable.Repeat(10L, v).ToList());
        var cTc = new double[D, D];
        for (int j = 1; j < v; j++) for (int a = 0; a < D; a++) for (int b = 0; b < D; b++) cTc[a, b] += (double)context[j * D + a] * context[j * D + b];
        var truth = ReferenceMath.Inverse(cTc);
        double meanS2 = 0, maxShapeErr = 0;
        int covered = 0;
        var dir = TestPaths.TempDir();
        for (int r = 0; r < reps; r++)
        {
            var cols = Enumerable.Range(1, K).ToArray();
            var vals = new double[K];
            var eps = new double[K];
            for (int t = 0; t < K; t++)
            {
                int j = cols[t];
                double mu = bb[0] + cb[j];
                for (int a = 0; a < D; a++) mu += wTrue[a] * context[j * D + a];
                eps[t] = s * rng.NextGaussian();
                vals[t] = Math.Exp(mu + eps[t]);
            }
            var csrPath = Path.Combine(dir, $"x{r}.safetensors");
            var rowCounts = new long[v]; rowCounts[0] = K;
            CsrMatrix.Write(csrPath, rowCounts, emit => { for (int t = 0; t < K; t++) emit(0, cols[t], vals[t]); }, new Dictionary<string, string>());
            using var x = CsrMatrix.Open(csrPath);
            var outDir = Path.Combine(dir, $"v{r}");
            VarianceEngine.Run(p, vocab, x, outDir, new VarianceOptions { Threads = 1, Refine = true, XMax = 1e-300, Words = ["w0"], ApproxTarget = 0 });
            using var store = new VarianceStore(outDir);
            var sigma = store.Covariance(0, "w0");
            double s2 = double.Parse(File.ReadAllLines(Path.Combine(outDir, "variance_info.tsv"))[1].Split('\t')[3], System.Globalization.CultureInfo.InvariantCulture);
            meanS2 += s2 / reps;
            for (int a = 0; a < D; a++) for (int b = 0; b < D; b++) maxShapeErr = Math.Max(maxShapeErr, Math.Abs(sigma[a * D + b] / s2 - truth[a, b]) / Math.Abs(truth[a, a]));
            // Interval for w_0 from the estimated covariance around the WLS estimate.
            var rhs = new double[D];
            for (int t = 0; t < K; t++) { int j = cols[t]; double y = Math.Log(vals[t]) - bb[0] - cb[j]; for (int a = 0; a < D; a++) rhs[a] += y * context[j * D + a]; }
            double wHat0 = 0; for (int b = 0; b < D; b++) wHat0 += truth[0, b] * rhs[b];
            if (Math.Abs(wHat0 - wTrue[0]) <= 1.96 * Math.Sqrt(sigma[0])) covered++;
        }
        Assert.True(maxShapeErr < 1e-9, $"Sigma / sigma^2 differs from (C^T C)^-1 by {maxShapeErr}");
        Assert.InRange(meanS2, s * s * 0.95, s * s * 1.05);
        Assert.InRange(covered / (double)reps, 0.92, 0.98);
    }

    [Fact]
    public void ASingularGramFallsBackToThePseudoInverseAndIsFlagged()
    {
        // Every context vector has a zero last coordinate, so H = sum_j c_j c_j^T is singular: no Cholesky factor. The
        // engine must flag the word and write sigma^2 pinv(H), which here is [sigma^2 (H_3x3)^-1, 0; 0, 0], with sigma^2
        // from the residuals at the pseudo-inverse's WLS solution (--refine) over K - D degrees of freedom.
        const int D = 4, K = 30;
        var rng = new SplitMix64(7);
        int v = K + 1;
        var center = new float[v * D]; var context = new float[v * D];
        var cb = new float[v]; var bb = new float[v];
        for (int j = 0; j < v; j++) for (int a = 0; a < D - 1; a++) context[j * D + a] = (float)rng.NextGaussian();
        for (int a = 0; a < D; a++) center[a] = 0.5f;
        var p = new GloVeParameters(v, D, center, context, bb, cb);
        var vocab = new Vocabulary(Enumerable.Range(0, v).Select(i => "w" + i).ToList(), Enumerable.Repeat(10L, v).ToList());
        var vals = Enumerable.Range(0, K).Select(_ => Math.Exp(1 + 0.5 * rng.NextGaussian())).ToArray();
        var dir = TestPaths.TempDir();
        var csrPath = Path.Combine(dir, "x.safetensors");
        var rowCounts = new long[v]; rowCounts[0] = K;
        CsrMatrix.Write(csrPath, rowCounts, emit => { for (int t = 0; t < K; t++) emit(0, t + 1, vals[t]); }, new Dictionary<string, string>());
        using var x = CsrMatrix.Open(csrPath);
        var outDir = Path.Combine(dir, "v");
        VarianceEngine.Run(p, vocab, x, outDir, new VarianceOptions { Threads = 1, Refine = true, XMax = 1e-300, Words = ["w0"], ApproxTarget = 0 });
        var row = File.ReadAllLines(Path.Combine(outDir, "variance_info.tsv"))[1].Split('\t');
        Assert.Equal("pseudo_inverse", row[4]);
        using var store = new VarianceStore(outDir);
        var sigma = store.Covariance(0, "w0");
        Assert.All(sigma, z => Assert.True(double.IsFinite(z)));
        // Reference in the 3 identifiable coordinates.
        var h = new double[D - 1, D - 1]; var rhs = new double[D - 1];
        for (int t = 0; t < K; t++)
        {
            int j = t + 1;
            double y = Math.Log(vals[t]);
            for (int a = 0; a < D - 1; a++) { rhs[a] += y * context[j * D + a]; for (int b = 0; b < D - 1; b++) h[a, b] += (double)context[j * D + a] * context[j * D + b]; }
        }
        var hInv = ReferenceMath.Inverse(h);
        var w = new double[D - 1];
        for (int a = 0; a < D - 1; a++) for (int b = 0; b < D - 1; b++) w[a] += hInv[a, b] * rhs[b];
        double sse = 0;
        for (int t = 0; t < K; t++) { double r = Math.Log(vals[t]); for (int a = 0; a < D - 1; a++) r -= w[a] * context[(t + 1) * D + a]; sse += r * r; }
        double s2 = sse / (K - D);
        for (int a = 0; a < D; a++)
            for (int b = 0; b < D; b++)
            {
                double expect = a < D - 1 && b < D - 1 ? s2 * hInv[a, b] : 0;
                Assert.True(Math.Abs(sigma[a * D + b] - expect) <= 1e-9 * s2 * Math.Abs(hInv[0, 0]), $"Sigma[{a},{b}] = {sigma[a * D + b]}, expected {expect}");
            }
    }

    [Fact]
    public void CompactFormMeetsItsTargetAndTheReaderReturnsWhatWasWritten()
    {
        var (modelDir, cooc) = SmallModel(dim: 10);
        var outDir = Path.Combine(modelDir, "v");
        VarianceEngine.Run(modelDir, cooc, outDir, new VarianceOptions { Threads = 2, ApproxTarget = 0.95, ChunkWords = 200 });
        // The chunks' hashes were taken while they were written; the manifest must agree with the files' bytes.
        var manifest = AtomicDirectory.ReadManifest(outDir)!;
        Assert.Contains(manifest, kv => kv.Key.StartsWith("approxchunk_") && kv.Value.Sha256 != "-");
        AtomicDirectory.Verify(outDir, hashes: true);
        var vocab = Vocabulary.Load(Path.Combine(modelDir, "vocab.txt"));
        using var store = new VarianceStore(outDir);
        var formOf = File.ReadAllLines(Path.Combine(outDir, "approx_info.txt")).Select(l => l.Split('\t')).ToDictionary(f => f[0], f => f[1]);
        var forms = formOf.Values.GroupBy(f => f).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(forms.Count >= 2, "expect more than one compact form in use: " + string.Join(",", forms.Keys));
        int d = 10;
        foreach (var line in File.ReadLines(Path.Combine(outDir, "chunk_map.txt")).Take(400))
        {
            var f = line.Split('\t');
            int idx = int.Parse(f[1]);
            Assert.Equal(vocab[idx], f[0]);
            var full = store.Covariance(idx, f[0]);
            var approx = store.Covariance(idx, f[0], approximate: true);
            double num = 0, den = 0;
            for (int k = 0; k < d * d; k++) { num += (full[k] - approx[k]) * (full[k] - approx[k]); den += full[k] * full[k]; }
            Assert.True(Math.Sqrt(1 - num / den) >= 0.95 - 1e-12, $"{f[0]}: reconstruction {Math.Sqrt(1 - num / den)}");
            // The recorded kept share is the one recomputed here from the two matrices (exactly for the diagonal and
            // complete forms, to single precision for a rank-r form: see CompactCovariance).
            double tolerance = formOf[f[0]] == "svd" ? 2e-6 : 1e-9;
            Assert.True(Math.Abs(Math.Sqrt(1 - num / den) - store.ApproxKept(idx)) <= tolerance,
                $"{f[0]} ({formOf[f[0]]}): recomputed {Math.Sqrt(1 - num / den)}, recorded {store.ApproxKept(idx)}");
        }
        // Queries on the compact covariances name the share each drops, and flag it (bit 8).
        using (var gm = GloVeModel.Load(modelDir, outDir))
        {
            var rel = new Propagation(gm, approximate: true).Reliability(Enumerable.Range(0, gm.VocabSize).Where(gm.HasCovariance).Take(300));
            var lossy = rel.Where(r => r.ApproxDropped > 1e-9).ToList();
            Assert.NotEmpty(lossy);
            Assert.All(lossy, r => Assert.True((r.Flags & 8) != 0 && r.Warnings.Any(w => w.Contains("drops")), r.Word));
            Assert.All(new Propagation(gm).Reliability(lossy.Select(r => gm.IdOf(r.Word))), r => Assert.True((r.Flags & 8) == 0));
        }
        // A complete matrix written alone comes back bit for bit.
        var dir2 = TestPaths.TempDir();
        // (A symmetric positive definite one: the reader checks that what it returns is a covariance.)
        var m = new double[] { 4.25, 1.5, -0.125, 1.5, 3.0625, 0.75, -0.125, 0.75, 2.5 };
        SafeTensorsWriter.WriteAll(Path.Combine(dir2, "completechunk_0.safetensors"), [(new TensorSpec("variances", TensorDType.F64, [1, 3, 3]), w => w.Write<double>(m))]);
        File.WriteAllText(Path.Combine(dir2, "chunk_map.txt"), "hello\t7\t0\t0\n");
        using var s2 = new VarianceStore(dir2);
        Assert.Equal(m, s2.Covariance(7, "hello"));
    }

    [Fact]
    public void ReadsTheAuthorsSingleFileLayoutInFloat32()
    {
        var dir = TestPaths.TempDir();
        float[] complete = [2, 0.5f, 0.5f, 1, /* word 1 */ 3, 0, 0, 4];
        SafeTensorsWriter.WriteAll(Path.Combine(dir, "CompleteVariances.safetensors"), [(new TensorSpec("variances", TensorDType.F32, [2, 2, 2]), w => w.Write<float>(complete))]);
        float[] u = [1, 0], sv = [5], vt = [1, 0];
        SafeTensorsWriter.WriteAll(Path.Combine(dir, "ApproximationVariances.safetensors"), [
            (new TensorSpec("diag_0", TensorDType.F32, [2]), w => w.Write<float>([2f, 1f])),
            (new TensorSpec("U_1", TensorDType.F32, [2, 1]), w => w.Write<float>(u)),
            (new TensorSpec("s_1", TensorDType.F32, [1]), w => w.Write<float>(sv)),
            (new TensorSpec("Vt_1", TensorDType.F32, [1, 2]), w => w.Write<float>(vt)),
        ]);
        using var s = new VarianceStore(dir);
        Assert.Equal([2, 0.5, 0.5, 1], s.Covariance(0, "a"));
        Assert.Equal([3, 0, 0, 4], s.Covariance(1, "b"));
        Assert.Equal([2, 0, 0, 1], s.Covariance(0, "a", approximate: true));
        Assert.Equal([5, 0, 0, 0], s.Covariance(1, "b", approximate: true));
    }

    [Fact]
    public void CorruptOrMismatchedInputsAreClearErrors()
    {
        var dir = TestPaths.TempDir();
        var f = Path.Combine(dir, "bad.safetensors");
        File.WriteAllBytes(f, [.. BitConverter.GetBytes(1_000_000UL), .. "{}"u8]);
        Assert.Contains("runs past the end", Assert.Throws<GloVeVException>(() => new SafeTensorsFile(f)).Message);
        void WriteHeader(string json)
        {
            var h = System.Text.Encoding.UTF8.GetBytes(json);
            File.WriteAllBytes(f, [.. BitConverter.GetBytes((ulong)h.Length), .. h, .. new byte[16]]);
        }
        WriteHeader("{\"x\":{\"dtype\":\"F64\",\"shape\":[4],\"data_offsets\":[0,32]}}");
        Assert.Contains("out of range", Assert.Throws<GloVeVException>(() => new SafeTensorsFile(f)).Message);
        WriteHeader("{\"x\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,16]}}");
        Assert.Contains("needs 24 bytes", Assert.Throws<GloVeVException>(() => new SafeTensorsFile(f)).Message);
        WriteHeader("{\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}");
        Assert.Contains("unsupported dtype", Assert.Throws<GloVeVException>(() => new SafeTensorsFile(f)).Message);
        WriteHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}");
        using (var ok = new SafeTensorsFile(f))
            Assert.Contains("expected [3]", Assert.Throws<GloVeVException>(() => ok.Expect("x", [3], TensorDType.F32)).Message);

        var (modelDir, cooc) = SmallModel(dim: 6, epochs: 2);
        var small = corpora.Get("sotu_small.txt", 50, 5);
        Assert.Contains("mismatched", Assert.Throws<GloVeVException>(() => VarianceEngine.Run(modelDir, small.Cooc, null, new VarianceOptions())).Message);
        Assert.IsType<MissingFileException>(Assert.ThrowsAny<GloVeVException>(() => VarianceEngine.Run(Path.Combine(dir, "nope"), cooc, null, new VarianceOptions())));
        Assert.Contains("not in vocabulary", Assert.Throws<GloVeVException>(() => VarianceEngine.Run(modelDir, cooc, null, new VarianceOptions { Words = ["zzzqqq"] })).Message);
        Assert.False(Directory.Exists(Path.Combine(modelDir, "variances")), "a failed run leaves no variance folder");
        VarianceEngine.Run(modelDir, cooc, null, new VarianceOptions { Words = ["war", "peace"] });
        using var st = new VarianceStore(Path.Combine(modelDir, "variances"));
        Assert.Equal(2, st.Count);
        Assert.Contains("no GloVe-V variance", Assert.Throws<GloVeVException>(() => st.Covariance(0, "the")).Message);
    }
}
