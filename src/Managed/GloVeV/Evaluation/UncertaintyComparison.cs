using System.Globalization;
using System.Text;
using System.Text.Json;
using GloVeV.Inference;
using GloVeV.IO;
using GloVeV.Training;

namespace GloVeV.Evaluation;

/// <summary>Settings of <see cref="UncertaintyComparison"/> (<c>glovev compare-uncertainty</c>).</summary>
public sealed record UncertaintyComparisonOptions
{
    /// <summary>Upper frequency ranks (1-based, inclusive) of the bands; the last band is every rank above the last edge.</summary>
    public int[] BandEdges { get; init; } = FrequencyBands.DefaultEdges;
    public int PairsPerBand { get; init; } = 80;
    public ulong Seed { get; init; } = IntervalDefaults.Seed;

    public void Validate()
    {
        FrequencyBands.Validate(BandEdges);
        if (PairsPerBand < 2) throw new BadArgumentException($"pairs_per_band must be at least 2, got {PairsPerBand}");
        if (Seed == 0) throw new BadArgumentException("seed must be >= 1, got 0");
    }
}

/// <summary>One sampled pair: a word and its nearest neighbour (both with a covariance), and the three SDs of their cosine.</summary>
public sealed record UncertaintyPair(string Band, string A, string B, int RankA, double Cosine, double GloveVSd, double BootstrapSd, double SeedSd, int BootstrapReplicates, int SeedReplicates);

/// <summary>Per band (and "all"): medians of the SDs, medians of their per-pair ratios, and correlations.</summary>
public sealed record UncertaintyBand(string Band, int RankFrom, int RankTo, int Pairs, int Dropped, double MedianGloveVSd, double MedianBootstrapSd, double MedianSeedSd,
    double MedianRatioGloveVBootstrap, double MedianRatioGloveVSeed, double MedianRatioSeedBootstrap, double PearsonGloveVBootstrap, double SpearmanGloveVBootstrap);

public sealed record UncertaintyComparisonResult(IReadOnlyList<UncertaintyBand> Bands, IReadOnlyList<UncertaintyPair> Pairs, int BootstrapReplicates, int SeedReplicates);

/// <summary>
/// <c>glovev compare-uncertainty</c>: GloVe-V's standard deviation of a cosine (the paper's delta method at the plug-in
/// vectors) against the spread of the same cosine over document-bootstrap replicates and over seed-only replicates
/// (<see cref="DocumentBootstrap"/>). Cosines are invariant to rotations of the embedding, so no alignment is applied.
/// A replicate in which a word has no co-occurrences (a zero vector) is left out of that pair's SD.
/// </summary>
public static class UncertaintyComparison
{
    public static UncertaintyComparisonResult Run(string modelDir, string bootstrapDir, UncertaintyComparisonOptions o)
    {
        o.Validate();
        using var model = GloVeModel.Load(modelDir);
        if (model.Variances == null) throw new GloVeVException($"{modelDir}: the model has no variances (run 'glovev variance' first)");
        var manifest = Path.Combine(bootstrapDir, DocumentBootstrap.ManifestFile);
        if (!File.Exists(manifest)) throw new MissingFileException($"{bootstrapDir}: no {DocumentBootstrap.ManifestFile} (not a 'glovev bootstrap' folder)");
        var hash = DocumentBootstrap.ReadManifest(bootstrapDir, "vocab_hash");
        if (hash != model.Vocabulary.Hash())
            throw new GloVeVException($"{bootstrapDir}: the replicates were trained with another vocabulary than {modelDir}'s; rerun 'glovev bootstrap --vocab {Path.Combine(modelDir, "vocab.txt")}'");
        var boot = LoadReplicates(bootstrapDir, "boot_", model);
        var seed = LoadReplicates(bootstrapDir, "seed_", model);
        if (boot.Count < 2) throw new GloVeVException($"{bootstrapDir}: {boot.Count} document-bootstrap replicate(s); at least 2 are needed for a standard deviation");

        int v = model.VocabSize, d = model.Dim;
        var eligible = Enumerable.Range(0, v).Where(model.HasCovariance).ToArray();
        if (eligible.Length < 2) throw new GloVeVException($"{modelDir}: fewer than two words have a covariance");
        var unit = model.UnitVectors();
        var prop = new Propagation(model);
        var rng = new SplitMix64(SplitMix64.Derive(o.Seed, 0xB007));
        var pairs = new List<UncertaintyPair>();
        var bands = new List<UncertaintyBand>();
        var dropped = new Dictionary<string, int>();
        var ranges = new List<(string Name, int From, int To)>();
        foreach (var fb in FrequencyBands.Split(o.BandEdges, v, eligible))
        {
            if (fb.Words.Length == 0) continue;
            string name = fb.Name;
            var picked = FrequencyBands.Sample(fb.Words, o.PairsPerBand, ref rng);
            var found = new UncertaintyPair?[picked.Length];
            Parallel.For(0, picked.Length, k =>
            {
                int a = picked[k];
                int b = Nearest(unit, d, a, eligible);
                double gv = prop.Delta(Statistic.Cosine(0, 1), [a, b]).Sd;
                var (bsd, bn) = Spread(boot, a, b, d);
                var (ssd, sn) = Spread(seed, a, b, d);
                if (bn < 2) return;
                found[k] = new UncertaintyPair(name, model.Vocabulary[a], model.Vocabulary[b], a + 1, CosineOf(unit, d, a, b), gv, bsd, sn >= 2 ? ssd : double.NaN, bn, sn);
            });
            dropped[name] = found.Count(f => f == null);
            pairs.AddRange(found.Where(f => f != null)!);
            ranges.Add((name, fb.From, fb.To));
        }
        foreach (var (name, from, to) in ranges) bands.Add(Summarise(name, from, to, pairs.Where(p => p.Band == name).ToList(), dropped[name]));
        bands.Add(Summarise("all", 1, v, pairs, dropped.Values.Sum()));
        return new UncertaintyComparisonResult(bands, pairs, boot.Count, seed.Count);
    }

    static UncertaintyBand Summarise(string name, int from, int to, List<UncertaintyPair> ps, int dropped)
    {
        double Med(IEnumerable<double> x) { var s = x.Where(double.IsFinite).Order().ToArray(); return s.Length == 0 ? double.NaN : IntervalEngine.Quantile(s, 0.5); }
        var gv = ps.Select(p => p.GloveVSd).ToArray(); var bs = ps.Select(p => p.BootstrapSd).ToArray();
        return new UncertaintyBand(name, from, to, ps.Count, dropped, Med(gv), Med(bs), Med(ps.Select(p => p.SeedSd)),
            Med(ps.Select(p => p.GloveVSd / p.BootstrapSd)), Med(ps.Select(p => p.GloveVSd / p.SeedSd)), Med(ps.Select(p => p.SeedSd / p.BootstrapSd)),
            ps.Count >= 3 ? Correlation.Pearson(gv, bs) : double.NaN, ps.Count >= 3 ? Correlation.Spearman(gv, bs) : double.NaN);
    }

    static List<float[]> LoadReplicates(string dir, string prefix, GloVeModel model)
    {
        var folder = Path.Combine(dir, DocumentBootstrap.ReplicateFolder);
        if (!Directory.Exists(folder)) return [];
        var list = new List<float[]>();
        foreach (var f in Directory.GetFiles(folder, prefix + "*.safetensors").Order(StringComparer.Ordinal))
        {
            using var st = new SafeTensorsFile(f);
            st.Expect("center_vectors", [model.VocabSize, model.Dim], TensorDType.F32, TensorDType.F64);
            list.Add(st.ReadFloats("center_vectors"));
        }
        return list;
    }

    /// <summary>Sample SD of cos(w_a, w_b) over the replicates where both vectors are non-zero, and how many those were.</summary>
    static (double Sd, int N) Spread(List<float[]> reps, int a, int b, int d)
    {
        var vals = new List<double>();
        foreach (var w in reps)
        {
            double c = CosineOf(w, d, a, b, normalise: true);
            if (double.IsFinite(c)) vals.Add(c);
        }
        if (vals.Count < 2) return (double.NaN, vals.Count);
        double mean = vals.Average();
        return (Math.Sqrt(vals.Sum(x => (x - mean) * (x - mean)) / (vals.Count - 1)), vals.Count);
    }

    static double CosineOf(float[] w, int d, int a, int b, bool normalise = false)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int q = 0; q < d; q++) { double x = w[(long)a * d + q], y = w[(long)b * d + q]; ab += x * y; aa += x * x; bb += y * y; }
        if (!normalise) return ab;
        return aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : double.NaN;
    }

    static int Nearest(float[] unit, int d, int a, int[] candidates)
    {
        var ua = new ReadOnlySpan<float>(unit, a * d, d);
        int best = -1; float bs = float.NegativeInfinity;
        foreach (int j in candidates)
        {
            if (j == a) continue;
            float s = System.Numerics.Tensors.TensorPrimitives.Dot(ua, new ReadOnlySpan<float>(unit, j * d, d));
            if (s > bs) { bs = s; best = j; }
        }
        return best;
    }

    public static readonly string[] BandColumns = ["band", "rank_from", "rank_to", "pairs", "dropped", "median_glovev_sd", "median_bootstrap_sd", "median_seed_sd",
        "median_ratio_glovev_bootstrap", "median_ratio_glovev_seed", "median_ratio_seed_bootstrap", "pearson_glovev_bootstrap", "spearman_glovev_bootstrap"];
    public static readonly string[] PairColumns = ["band", "a", "b", "rank_a", "cosine", "glovev_sd", "bootstrap_sd", "seed_sd", "bootstrap_replicates", "seed_replicates"];

    static string N(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA";

    /// <summary>The band table as tab-separated text with a header (NA for undefined numbers).</summary>
    public static string BandsTsv(IEnumerable<UncertaintyBand> bands)
    {
        var sb = new StringBuilder(string.Join("\t", BandColumns)).Append('\n');
        foreach (var b in bands)
            sb.Append(string.Join("\t", b.Band, b.RankFrom, b.RankTo, b.Pairs, b.Dropped, N(b.MedianGloveVSd), N(b.MedianBootstrapSd), N(b.MedianSeedSd),
                N(b.MedianRatioGloveVBootstrap), N(b.MedianRatioGloveVSeed), N(b.MedianRatioSeedBootstrap), N(b.PearsonGloveVBootstrap), N(b.SpearmanGloveVBootstrap))).Append('\n');
        return sb.ToString();
    }

    /// <summary>The per-pair table as tab-separated text with a header.</summary>
    public static string PairsTsv(IEnumerable<UncertaintyPair> pairs)
    {
        var sb = new StringBuilder(string.Join("\t", PairColumns)).Append('\n');
        foreach (var p in pairs)
            sb.Append(string.Join("\t", p.Band, p.A, p.B, p.RankA, N(p.Cosine), N(p.GloveVSd), N(p.BootstrapSd), N(p.SeedSd), p.BootstrapReplicates, p.SeedReplicates)).Append('\n');
        return sb.ToString();
    }
}
