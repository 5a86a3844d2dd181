using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GloVeV.Cooccurrence;
using GloVeV.IO;
using GloVeV.Native;
using GloVeV.Text;
using GloVeV.Training;

namespace GloVeV.Variance;

public sealed record VarianceSummary(
    int WordsWithVariance, int PseudoInverseWords, int TooFewContexts, int NotRequested, double Seconds, double Gflops,
    string Backend, long PeakRssBytes, double MedianCosineToWls, double MedianCosineToWlsFrequent, bool Refined, string OutDir, int Chunks, IReadOnlyList<string> Warnings);

/// <summary>
/// The GloVe-V variance stage: for every requested word with |K_i| &gt; D, Sigma_i = sigma_i^2 H_i^{-1}, computed in
/// parallel over words (largest first within each chunk) and streamed to disk chunk by chunk, so memory stays
/// O(V·D + threads·max|K_i|·D + chunk) whatever V is. Output (atomically, as a whole folder): <c>chunk_map.txt</c>,
/// <c>completechunk_{k}.safetensors</c>, <c>approx_info.txt</c>, <c>approxchunk_{k}.safetensors</c>,
/// <c>variance_info.tsv</c>, <c>variance_summary.json</c>.
/// </summary>
public static class VarianceEngine
{
    /// <summary>Written with --refine: the WLS vectors (F64) the covariances are centred on.</summary>
    public const string WlsVectorsFile = "wls_vectors.safetensors";

    public static VarianceSummary Run(string modelDir, string cooccurDir, string? outDir, VarianceOptions o, Action<double, double>? progress = null)
    {
        outDir ??= Path.Combine(modelDir, "variances");
        CheckOutputFolder(outDir, modelDir, cooccurDir);
        using var m = TrainedModelInputs.Open(modelDir, cooccurDir, "train a model first");
        return Run(m.Parameters, m.Vocabulary, m.Matrix, outDir, o, progress);
    }

    /// <summary>Files that make a folder a co-occurrence folder (or shard), or a model folder.</summary>
    static readonly string[] CooccurrenceFiles = ["cooccurrence.bin", CsrMatrix.FileName, CooccurrenceCounter.PartialFile, CooccurrenceCounter.PartialInfoFile];
    static readonly string[] ModelFiles = [GloVeParameters.ParamsFile, "vectors.safetensors"];

    /// <summary>
    /// Refuses, before anything is computed, an output folder that would take an input's place: the variance folder is
    /// published as a whole with its own manifest, so written into a co-occurrence folder it would drop the check of
    /// that folder's files (a truncated cooccurrence.bin would then train without complaint), and written into a model
    /// folder it would mix with the model (retraining clears MODEL/variances, not files beside the parameters). Refused:
    /// the co-occurrence folder the stage reads or a folder inside it, the model folder, and any folder that holds
    /// co-occurrence or model files (a folder containing either input holds a folder, which publishing refuses anyway).
    /// Used by merging too, without inputs.
    /// </summary>
    public static void CheckOutputFolder(string outDir, string? modelDir, string? cooccurDir)
    {
        const string advice = "variances go in a folder of their own (by default MODEL/variances); name another output folder";
        if (cooccurDir != null)
        {
            // --cooccur may name the .bin or CSR file: the folder holding it is what must not be written into.
            cooccurDir = CsrMatrix.FolderOf(cooccurDir);
            if (OutputPaths.IsSameOrInside(outDir, cooccurDir))
                throw new GloVeVException($"{outDir}: is {(OutputPaths.Resolved(outDir) == OutputPaths.Resolved(cooccurDir) ? "the co-occurrence folder" : "inside the co-occurrence folder")} this stage reads ({cooccurDir}); {advice}");
        }
        if (modelDir != null)
        {
            if (OutputPaths.Resolved(outDir) == OutputPaths.Resolved(modelDir))
                throw new GloVeVException($"{outDir}: is the model folder this stage reads; {advice}");
        }
        if (!Directory.Exists(outDir)) return;
        if (CooccurrenceFiles.FirstOrDefault(f => File.Exists(Path.Combine(outDir, f))) is { } co)
            throw new GloVeVException($"{outDir}: holds co-occurrence files ({co}); the variance folder replaces the folder it goes in and would leave them outside its manifest; {advice}");
        if (ModelFiles.FirstOrDefault(f => File.Exists(Path.Combine(outDir, f))) is { } mf)
            throw new GloVeVException($"{outDir}: holds a model ({mf}); {advice}");
    }

    public static VarianceSummary Run(GloVeParameters p, Vocabulary vocab, CsrMatrix x, string outDir, VarianceOptions o, Action<double, double>? progress = null)
    {
        o.Validate();
        CheckOutputFolder(outDir, null, null);
        if (x.Rows != p.VocabSize) throw new GloVeVException($"co-occurrence matrix has {x.Rows} rows but the model has V={p.VocabSize}");
        if (vocab.Count != p.VocabSize) throw new GloVeVException($"vocabulary has {vocab.Count} words but the model has V={p.VocabSize}");
        var sw = Stopwatch.StartNew();
        var backend = BlasBackend.Current;
        int d = p.Dim, v = p.VocabSize;
        double xMax = o.XMax ?? p.MetaNumber("x_max", 100), alpha = o.Alpha ?? p.MetaNumber("alpha", 0.75);
        // A model refined by ridge ALS carries its lambda: the covariance is that of the estimator actually used.
        double ridge = p.MetaNumber("ridge", 0);
        if (!(ridge >= 0) || !double.IsFinite(ridge)) throw new GloVeVException($"model metadata: ridge = {ridge} is not a number >= 0");
        using var contexts = new PaddedContexts(p);

        var status = new WordVarianceStatus[v];
        // With --refine the covariance is centred on the WLS solution, so those vectors are kept and written too.
        var wlsVectors = o.Refine ? new double[(long)v * d] : null;
        var info = new WordVariance[v];
        bool[] requested;
        if (o.Words == null) requested = Enumerable.Repeat(true, v).ToArray();
        else
        {
            requested = new bool[v];
            foreach (var id in vocab.IdsOf(o.Words)) requested[id] = true;
        }
        var eligible = new List<int>();
        for (int i = 0; i < v; i++)
        {
            info[i].Contexts = x.RowLength(i);
            if (!requested[i]) status[i] = WordVarianceStatus.NotRequested;
            else if (x.RowLength(i) <= d) status[i] = WordVarianceStatus.TooFewContexts;
            else eligible.Add(i);
        }
        if (o.Shards > 1)
        {
            // Longest-processing-time assignment: words by cost, largest first, each to the lightest shard so far.
            var load = new double[o.Shards];
            var mine = new List<int>();
            foreach (var i in eligible.OrderByDescending(i => WordVarianceSolver.Flops(x.RowLength(i), d)).ThenBy(i => i))
            {
                int best = 0;
                for (int s = 1; s < o.Shards; s++) if (load[s] < load[best]) best = s;
                load[best] += WordVarianceSolver.Flops(x.RowLength(i), d);
                if (best == o.Shard - 1) mine.Add(i);
                else status[i] = WordVarianceStatus.NotRequested;
            }
            mine.Sort();
            eligible = mine;
        }
        int chunkWords = o.ChunkWords > 0 ? o.ChunkWords : (int)Math.Clamp((128L << 20) / ((long)d * d * 8), 1, 100_000);

        // A diagnostics-only run (no complete and no compact forms) must not replace covariances that queries read.
        if (!o.Complete && o.ApproxTarget == 0 && Directory.Exists(outDir) && Directory.EnumerateFiles(outDir, "*chunk_*.safetensors").Any())
            throw new GloVeVException($"{outDir}: holds covariances, and a run with neither complete nor compact forms (--no-complete --approx 0) writes only diagnostics: it would replace them; name another output folder");
        using var publish = AtomicDirectory.Begin(outDir, IsOwnFile);
        var stage = publish.Staging;
        var chunkMap = new StringBuilder();
        var approxInfo = new StringBuilder();
        var approxKept = new StringBuilder("word\tindex\tform\tkept\n");
        double totalFlops = eligible.Sum(i => WordVarianceSolver.Flops(x.RowLength(i), d)), doneFlops = 0;
        int chunks = 0;
        Task? pendingWrite = null;
        try
        {
            var solvers = new WordVarianceSolver[o.Threads];
            for (int t = 0; t < o.Threads; t++) solvers[t] = new WordVarianceSolver(x, p, contexts, xMax, alpha, o.Refine, o.RcondThreshold, ridge, o.BackendGram);
            // Two chunk buffers: chunk k is written to disk in the background while chunk k + 1 is computed into the
            // other one (at most one write in flight, so files and the text records stay in chunk order).
            long bufferLength = (long)Math.Min(chunkWords, Math.Max(1, eligible.Count)) * d * d;
            bool writes = o.Complete || o.ApproxTarget > 0;
            var buffers = new[] { new double[bufferLength], writes && eligible.Count > chunkWords ? new double[bufferLength] : null };
            var inv = CultureInfo.InvariantCulture;
            for (int start = 0; start < eligible.Count; start += chunkWords)
            {
                int n = Math.Min(chunkWords, eligible.Count - start);
                var ids = eligible.GetRange(start, n);
                var buffer = buffers[chunks % 2] ?? buffers[0];
                // The compact form of each word is chosen by the thread that computed it, right after its covariance.
                var forms = o.ApproxTarget > 0 ? new CompactCovariance[n] : null;
                // Largest problems first, handed out dynamically: both cores stay busy to the end of the chunk.
                var order = Enumerable.Range(0, n).OrderByDescending(l => WordVarianceSolver.Flops(x.RowLength(ids[l]), d)).ToArray();
                int next = -1;
                Exception? err = null;
                var threads = new Thread[o.Threads];
                for (int t = 0; t < o.Threads; t++)
                {
                    var solver = solvers[t];
                    threads[t] = new Thread(() =>
                    {
                        try
                        {
                            int slot;
                            while ((slot = Interlocked.Increment(ref next)) < n && err == null)
                            {
                                int local = order[slot], i = ids[local];
                                var sigma = buffer.AsSpan(local * d * d, d * d);
                                var r = solver.Solve(i, sigma, wlsVectors == null ? Span<double>.Empty : wlsVectors.AsSpan(i * d, d));
                                // Checked here, in parallel, rather than over the whole chunk afterwards on one thread.
                                if (r.Status != WordVarianceStatus.TooFewContexts && !AllFinite(sigma))
                                    throw new GloVeVException($"non-finite covariance for word '{vocab[i]}' (this is a bug; please report it)");
                                info[i] = r;
                                status[i] = r.Status;
                                if (forms != null) forms[local] = CompactCovariance.Choose(sigma, d, o.ApproxTarget, r.TraceOfSquare, r.Trace);
                            }
                        }
                        catch (Exception e) { Interlocked.CompareExchange(ref err, e, null); }
                    }) { IsBackground = true };
                    threads[t].Start();
                }
                foreach (var th in threads) th.Join();
                if (err != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(err).Throw();

                int k = chunks++;
                var meta = new Dictionary<string, string> { ["dim"] = d.ToString(inv), ["refined"] = o.Refine ? "true" : "false", ["chunk"] = k.ToString(inv) };
                pendingWrite?.GetAwaiter().GetResult();
                pendingWrite = null;
                if (writes)
                {
                    var chunkBuffer = buffer;
                    pendingWrite = Task.Run(() =>
                    {
                        if (o.Complete)
                            SafeTensorsWriter.WriteAll(Path.Combine(stage, $"completechunk_{k}.safetensors"),
                                [(new TensorSpec("variances", TensorDType.F64, [n, d, d]), w => w.Write<double>(chunkBuffer.AsSpan(0, n * d * d)))], meta, direct: true, known: publish);
                        if (forms != null) WriteApproxChunk(Path.Combine(stage, $"approxchunk_{k}.safetensors"), ids, forms, d, vocab, approxInfo, approxKept, meta, publish);
                    });
                }
                for (int l = 0; l < n; l++) chunkMap.Append(vocab[ids[l]]).Append('\t').Append(ids[l]).Append('\t').Append(k).Append('\t').Append(l).Append('\n');
                foreach (var i in ids) doneFlops += WordVarianceSolver.Flops(x.RowLength(i), d);
                progress?.Invoke(totalFlops > 0 ? doneFlops / totalFlops : 1, doneFlops / 1e9 / sw.Elapsed.TotalSeconds);
            }
            pendingWrite?.GetAwaiter().GetResult();
            double seconds = sw.Elapsed.TotalSeconds;
            var cosines = eligible.Select(i => info[i].CosineToWls).Order().ToArray();
            double median = cosines.Length == 0 ? double.NaN : cosines.Length % 2 == 1 ? cosines[cosines.Length / 2] : 0.5 * (cosines[cosines.Length / 2 - 1] + cosines[cosines.Length / 2]);
            // Frequent words (|K_i| > 10 D) converge first; their median says whether training went far enough.
            var frequent = eligible.Where(i => x.RowLength(i) > 10 * d).Select(i => info[i].CosineToWls).Order().ToArray();
            double medianFrequent = frequent.Length == 0 ? double.NaN : frequent[frequent.Length / 2];
            var warnings = new List<string>();
            // GloVe-V's covariance is that of the WLS estimate; a vector far from it makes the interval describe another
            // estimator. A tenth of the words off their optimum is enough to say so (the embedded corpus at 100 AdaGrad
            // epochs had 62% below 0.9).
            int off = eligible.Count(i => info[i].CosineToWls < OffOptimumCosine);
            double offShare = eligible.Count == 0 ? 0 : (double)off / eligible.Count;
            if (!o.Refine && offShare > OffOptimumShare)
                warnings.Add($"{off} of {eligible.Count} words with a covariance ({100 * offShare:F1}%) have cos(trained w_i, WLS w_i) < {OffOptimumCosine}: those vectors are not the weighted least-squares estimates GloVe-V's covariance describes; refine the model with alternating least squares (glovev train --epochs 0 --init MODEL --als-sweeps 4 ...) or pass --refine");
            if (!o.Refine && (medianFrequent < o.WarnCosine || (double.IsNaN(medianFrequent) && median < o.WarnCosine)))
                warnings.Add($"median cos(trained w_i, WLS w_i) is {Fmt(medianFrequent)} over words with more than {10 * d} contexts ({Fmt(median)} over all): the model is not near convergence, so GloVe-V's premise is weak; train longer or pass --refine");
            else if (!o.Refine && median < 0.5)
                warnings.Add($"median cos(trained w_i, WLS w_i) is {Fmt(median)} over all words ({Fmt(medianFrequent)} for frequent ones): rare words are far from their WLS solution; treat their intervals with care or pass --refine");
            int pinv = eligible.Count(i => status[i] == WordVarianceStatus.PseudoInverse);
            if (pinv > 0) warnings.Add($"{pinv} word(s) had a singular or badly conditioned H_i (rcond < {o.RcondThreshold:G3}); their covariance uses a pseudo-inverse and is flagged 'pseudo_inverse'");
            var summary = new VarianceSummary(eligible.Count, pinv, status.Count(s => s == WordVarianceStatus.TooFewContexts),
                status.Count(s => s == WordVarianceStatus.NotRequested), seconds, totalFlops / 1e9 / Math.Max(seconds, 1e-9), backend.ToString(),
                Process.GetCurrentProcess().PeakWorkingSet64, median, medianFrequent, o.Refine, Path.GetFullPath(outDir), chunks, warnings);

            if (wlsVectors != null)
            {
                // Words without a variance keep their trained vector.
                for (int i = 0; i < v; i++)
                    if (status[i] is not (WordVarianceStatus.Ok or WordVarianceStatus.PseudoInverse))
                        for (int q = 0; q < d; q++) wlsVectors[(long)i * d + q] = p.Center[(long)i * d + q];
                SafeTensorsWriter.WriteAll(Path.Combine(stage, WlsVectorsFile), [(new TensorSpec("center_vectors", TensorDType.F64, [v, d]), w => w.Write<double>(wlsVectors))],
                    new Dictionary<string, string> { ["refined"] = "true", ["note"] = "weighted least-squares solutions the covariances are centred on" });
            }
            File.WriteAllText(Path.Combine(stage, "chunk_map.txt"), chunkMap.ToString());
            if (o.ApproxTarget > 0) File.WriteAllText(Path.Combine(stage, "approx_info.txt"), approxInfo.ToString());
            if (o.ApproxTarget > 0) File.WriteAllText(Path.Combine(stage, VarianceStore.ApproxKeptFile), approxKept.ToString());
            WriteInfo(Path.Combine(stage, "variance_info.tsv"), vocab, status, info);
            File.WriteAllText(Path.Combine(stage, "variance_summary.json"), SummaryJson(summary, o, xMax, alpha, d, ridge));
            Provenance.WriteVariance(stage, p.Metadata, vocab, x);
            publish.Commit();
            return summary;
        }
        finally
        {
            // A failure while a chunk is being written: let that write end before the staging folder goes.
            try { pendingWrite?.Wait(); } catch (AggregateException) { }
            if (Directory.Exists(stage)) try { Directory.Delete(stage, true); } catch (IOException) { }
        }
    }

    /// <summary>Whether a file name is one the variance stage writes. Any other file in the output folder is carried into
    /// the new folder, and a sub-folder makes the stage refuse it: the folder is replaced as a whole, and `--out .` or
    /// `--out MODEL` must not take a model, a co-occurrence folder or anyone's notes with it.</summary>
    public static bool IsOwnFile(string name) =>
        name is "chunk_map.txt" or "approx_info.txt" or VarianceStore.ApproxKeptFile or "variance_info.tsv" or "variance_summary.json"
            or WlsVectorsFile or Provenance.VarianceFile
        || System.Text.RegularExpressions.Regex.IsMatch(name, @"^(complete|approx)chunk_[0-9]+\.safetensors$");

    /// <summary>cos(trained, WLS) below which a word counts as off its WLS optimum, and the share of such words that
    /// makes the stage warn.</summary>
    public const double OffOptimumCosine = 0.9, OffOptimumShare = 0.10;

    static string Fmt(double v) => double.IsFinite(v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "NA";

    /// <summary>Writes a chunk's compact forms (chosen per word, on the thread that computed it, so the result does not
    /// depend on the thread count) in word order, and records them in approx_info.txt and approx_kept.tsv.</summary>
    static void WriteApproxChunk(string path, List<int> ids, CompactCovariance[] forms, int d, Vocabulary vocab, StringBuilder approxInfo, StringBuilder approxKept,
        Dictionary<string, string> meta, AtomicDirectory publish)
    {
        var specs = new List<(TensorSpec, Action<SafeTensorsWriter>)>();
        for (int l = 0; l < ids.Count; l++)
        {
            int idx = ids[l];
            var c = forms[l];
            // What the compact form keeps: sqrt(1 - ||Σ - approx||²_F / ||Σ||²_F) (queries report what it drops).
            approxKept.Append(vocab[idx]).Append('\t').Append(idx).Append('\t').Append(c.Form.ToString().ToLowerInvariant()).Append('\t')
                .Append(c.Ratio.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            switch (c.Form)
            {
                case CompactForm.Diagonal:
                    specs.Add((new TensorSpec($"diag_{idx}", TensorDType.F64, [d]), w => w.Write<double>(c.Diagonal)));
                    approxInfo.Append(vocab[idx]).Append("\tdiagonal\n");
                    break;
                case CompactForm.Svd:
                    specs.Add((new TensorSpec($"U_{idx}", TensorDType.F64, [d, c.Rank]), w => w.Write<double>(c.U)));
                    specs.Add((new TensorSpec($"s_{idx}", TensorDType.F64, [c.Rank]), w => w.Write<double>(c.S)));
                    // Uᵀ, one row at a time, when the file is written (no copy held per word).
                    specs.Add((new TensorSpec($"Vt_{idx}", TensorDType.F64, [c.Rank, d]), w => WriteTransposed(w, c.U, d, c.Rank)));
                    approxInfo.Append(vocab[idx]).Append("\tsvd\t").Append(c.Rank).Append('\n');
                    break;
                default:
                    specs.Add((new TensorSpec($"complete_{idx}", TensorDType.F64, [d, d]), w => w.Write<double>(c.Full)));
                    approxInfo.Append(vocab[idx]).Append("\tcomplete\n");
                    break;
            }
        }
        SafeTensorsWriter.WriteAll(path, specs, meta, direct: true, known: publish);
    }

    /// <summary>Writes the transpose of u (rows x cols, row-major) row by row.</summary>
    static void WriteTransposed(SafeTensorsWriter w, double[] u, int rows, int cols)
    {
        Span<double> row = rows <= 1024 ? stackalloc double[rows] : new double[rows];
        for (int e = 0; e < cols; e++)
        {
            for (int q = 0; q < rows; q++) row[q] = u[q * cols + e];
            w.Write<double>(row);
        }
    }

    static void WriteInfo(string path, Vocabulary vocab, WordVarianceStatus[] status, WordVariance[] info)
    {
        var inv = CultureInfo.InvariantCulture;
        using var w = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        w.WriteLine("word\tindex\tcontexts\tsigma2\tstatus\tcondition\tcos_wls\tnoise_ratio\ttrace\ttrace_sq\tnorm_one");
        for (int i = 0; i < vocab.Count; i++)
        {
            var r = info[i];
            bool has = status[i] is WordVarianceStatus.Ok or WordVarianceStatus.PseudoInverse;
            w.WriteLine(string.Join('\t', vocab[i], i.ToString(inv), r.Contexts.ToString(inv),
                has ? r.Sigma2.ToString("R", inv) : "NA", status[i].Text(),
                has ? r.Condition.ToString("G6", inv) : "NA", has ? r.CosineToWls.ToString("R", inv) : "NA",
                has ? r.NoiseRatio.ToString("R", inv) : "NA", has ? r.Trace.ToString("R", inv) : "NA",
                has ? r.TraceOfSquare.ToString("R", inv) : "NA", has ? r.NormOne.ToString("R", inv) : "NA"));
        }
    }

    static string SummaryJson(VarianceSummary s, VarianceOptions o, double xMax, double alpha, int d, double ridge)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("dim", d);
            w.WriteNumber("words_with_variance", s.WordsWithVariance);
            w.WriteNumber("pseudo_inverse", s.PseudoInverseWords);
            w.WriteStartObject("skipped"); w.WriteNumber("too_few_contexts", s.TooFewContexts); w.WriteNumber("not_requested", s.NotRequested); w.WriteEndObject();
            w.WriteNumber("seconds", s.Seconds);
            w.WriteNumber("gflops", s.Gflops);
            w.WriteString("backend", s.Backend);
            w.WriteNumber("peak_rss_bytes", s.PeakRssBytes);
            if (double.IsFinite(s.MedianCosineToWls)) w.WriteNumber("median_cos_wls", s.MedianCosineToWls); else w.WriteNull("median_cos_wls");
            if (double.IsFinite(s.MedianCosineToWlsFrequent)) w.WriteNumber("median_cos_wls_frequent", s.MedianCosineToWlsFrequent); else w.WriteNull("median_cos_wls_frequent");
            w.WriteBoolean("refined", s.Refined);
            w.WriteNumber("approx_target", o.ApproxTarget);
            w.WriteBoolean("complete", o.Complete);
            w.WriteNumber("x_max", xMax);
            w.WriteNumber("ridge", ridge);
            w.WriteNumber("alpha", alpha);
            w.WriteNumber("chunks", s.Chunks);
            // Every sharded run says which shard it is (1/1 too): merge-variances needs each of 1..N exactly once.
            if (o.Shards >= 1) { w.WriteNumber("shard", o.Shard); w.WriteNumber("shards", o.Shards); }
            w.WriteStartArray("warnings"); foreach (var m in s.Warnings) w.WriteStringValue(m); w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    static bool AllFinite(ReadOnlySpan<double> a)
    {
        // x - x is 0 for finite x and NaN for NaN or infinity; NaN survives the sum.
        var acc = System.Numerics.Vector<double>.Zero;
        int k = 0, w = System.Numerics.Vector<double>.Count;
        for (; k + w <= a.Length; k += w) { var v = new System.Numerics.Vector<double>(a.Slice(k, w)); acc += v - v; }
        double tail = 0;
        for (; k < a.Length; k++) tail += a[k] - a[k];
        return System.Numerics.Vector.Sum(acc) + tail == 0; // NaN == 0 is false
    }
}
