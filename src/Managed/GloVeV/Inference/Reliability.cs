using System.Globalization;

namespace GloVeV.Inference;

/// <summary>
/// How far one word's GloVe-V uncertainty can be trusted (from <c>variance_info.tsv</c>): whether it has a covariance
/// (else it is held fixed, only on request), its degrees of freedom |K| - D, its noise ratio tr(Σ)/||w||² and the
/// cosine between the trained vector and the WLS optimum GloVe-V assumes it to be (NaN where unknown).
/// </summary>
public sealed record WordReliability(string Word, bool HasCovariance, bool HeldFixed, int Contexts, int Dof, double NoiseRatio,
    double CosTrainedWls, string VarianceStatus)
{
    /// <summary>Set when the answer used the compact covariances: the relative Frobenius error ||Σ - approx||_F / ||Σ||_F
    /// of this word's (0 = nothing dropped; NaN = the variance folder does not say).</summary>
    public bool Approximated { get; init; }
    /// <summary>The answer used this word's WLS solution itself (variances computed with --refine): how far the trained
    /// vector was from it (<see cref="CosTrainedWls"/>) is then reported but not flagged.</summary>
    public bool CentredOnWls { get; init; }
    public bool OffOptimum => !CentredOnWls && CosTrainedWls < IntervalDefaults.CosWlsFlag;
    public double ApproxDropped { get; init; } = double.NaN;

    public IReadOnlyList<string> Warnings
    {
        get
        {
            var w = new List<string>();
            if (Approximated && HasCovariance)
            {
                if (double.IsNaN(ApproxDropped)) w.Add("compact (approximate) covariance: how much of the complete one it drops is not recorded");
                else if (ApproxDropped > 0) w.Add($"compact (approximate) covariance drops {ApproxDropped.ToString("P1", CultureInfo.InvariantCulture)} of the complete one (relative Frobenius error, ||Sigma - compact||_F / ||Sigma||_F; approx_kept.tsv records sqrt(1 - that^2) = {Math.Sqrt(Math.Max(0, 1 - ApproxDropped * ApproxDropped)).ToString("F3", CultureInfo.InvariantCulture)} kept)");
            }
            if (!HasCovariance) w.Add(HeldFixed ? $"no covariance ({VarianceStatus}, {Contexts} contexts): held fixed as if exact"
                : $"no covariance ({VarianceStatus}, {Contexts} contexts): its noise is unknown (an interval refuses it unless asked to hold it fixed as if exact)");
            if (NoiseRatio >= IntervalDefaults.NoiseRatioFlag) w.Add($"noise ratio tr(Sigma)/|w|^2 = {NoiseRatio.ToString("G3", CultureInfo.InvariantCulture)} >= {IntervalDefaults.NoiseRatioFlag}");
            if (OffOptimum) w.Add($"cos(trained, WLS) = {CosTrainedWls.ToString("G3", CultureInfo.InvariantCulture)} < {IntervalDefaults.CosWlsFlag}: training not converged for it");
            return w;
        }
    }

    public bool Flagged => Warnings.Count > 0;

    /// <summary>Bit mask of the warnings (the C ABI's GV_FLAG_*): 1 no covariance, 2 noise ratio >= 1, 4 cos(trained, WLS) &lt; 0.9,
    /// 8 a compact covariance that drops part of the complete one (or does not say how much).</summary>
    public int Flags => (HasCovariance ? 0 : 1) | (NoiseRatio >= IntervalDefaults.NoiseRatioFlag ? 2 : 0) | (OffOptimum ? 4 : 0)
        | (Approximated && HasCovariance && !(ApproxDropped == 0) ? 8 : 0);
}

/// <summary>Per-word rows of <c>variance_info.tsv</c>, by vocabulary index (read once per model).</summary>
public sealed class ReliabilityTable
{
    readonly int[] _contexts;
    readonly double[] _noise, _cos, _trace, _traceSq, _normOne, _sigma2;
    readonly string[] _status;

    public ReliabilityTable(GloVeModel m)
    {
        int v = m.VocabSize;
        _contexts = new int[v]; _noise = new double[v]; _cos = new double[v]; _status = new string[v];
        _trace = new double[v]; _traceSq = new double[v]; _normOne = new double[v]; _sigma2 = new double[v];
        Array.Fill(_sigma2, double.NaN);
        Array.Fill(_contexts, -1); Array.Fill(_noise, double.NaN); Array.Fill(_cos, double.NaN); Array.Fill(_status, "no variances");
        Array.Fill(_trace, double.NaN); Array.Fill(_traceSq, double.NaN); Array.Fill(_normOne, double.NaN);
        // Without the variances' own record of the ridge (a copied or hand-made folder), the model's: the variance stage
        // takes it from the parameters, and reading it as 0 would treat ridge covariances as plain WLS ones.
        Ridge = m.TrainedRidge;
        var summary = m.Variances == null ? null : Path.Combine(m.Variances.Directory, "variance_summary.json");
        if (summary != null && File.Exists(summary))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(summary));
            if (doc.RootElement.TryGetProperty("ridge", out var rj) && rj.ValueKind == System.Text.Json.JsonValueKind.Number) Ridge = rj.GetDouble();
        }
        // With --refine the model's vectors are the WLS solutions (GloVeModel.Load reads them in place of the trained ones).
        Refined = m.Variances != null && File.Exists(Path.Combine(m.Variances.Directory, Variance.VarianceEngine.WlsVectorsFile));
        var path = m.Variances == null ? null : Path.Combine(m.Variances.Directory, "variance_info.tsv");
        if (path == null || !File.Exists(path)) return;
        var inv = CultureInfo.InvariantCulture;
        // Columns after noise_ratio came later (older folders lack them): found by name.
        int cTrace = -1, cTraceSq = -1, cNormOne = -1;
        bool header = true;
        int lineNo = 0;
        // Every row is read or refused: a damaged row skipped, or a number read as NaN, would change a word's status
        // and flags without a word said.
        double Number(string[] f, int c, int line)
        {
            if (c < 0 || c >= f.Length || f[c] == "NA") return double.NaN;
            return double.TryParse(f[c], NumberStyles.Float, inv, out var x) ? x
                : throw new GloVeVException($"{path}:{line}: field {c + 1} is not a number: '{f[c]}'");
        }
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            var f = line.Split('\t');
            if (header)
            {
                header = false;
                cTrace = Array.IndexOf(f, "trace"); cTraceSq = Array.IndexOf(f, "trace_sq"); cNormOne = Array.IndexOf(f, "norm_one");
                continue;
            }
            if (line.Length == 0) continue;
            if (f.Length < 8) throw new GloVeVException($"{path}:{lineNo}: expected 8 or more tab-separated fields (word, index, contexts, sigma2, status, condition, cos_wls, noise_ratio), got {f.Length}");
            if (!m.Vocabulary.TryGetId(f[0], out int id))
                throw new GloVeVException($"{path}:{lineNo}: '{f[0]}' is not in the model's vocabulary (the file belongs to another model, or is damaged)");
            if (f[4] is not ("ok" or "pseudo_inverse" or "too_few_contexts" or "not_requested"))
                throw new GloVeVException($"{path}:{lineNo}: unknown status '{f[4]}' (expected ok, pseudo_inverse, too_few_contexts or not_requested)");
            _contexts[id] = int.TryParse(f[2], NumberStyles.Integer, inv, out var k) && k >= 0 ? k
                : throw new GloVeVException($"{path}:{lineNo}: contexts is not a count: '{f[2]}'");
            _status[id] = f[4];
            _cos[id] = Number(f, 6, lineNo);
            _noise[id] = Number(f, 7, lineNo);
            _sigma2[id] = Number(f, 3, lineNo);
            _trace[id] = Number(f, cTrace, lineNo); _traceSq[id] = Number(f, cTraceSq, lineNo); _normOne[id] = Number(f, cNormOne, lineNo);
        }
    }

    /// <summary>tr(Σ), tr(Σ²) and an upper bound on Σ's largest eigenvalue (its 1-norm) for a word with a covariance:
    /// from <c>variance_info.tsv</c>, else computed from the covariance in use once and kept. False when the word has
    /// none. Not thread-safe (the neighbour search calls it from one thread).</summary>
    public bool Spread(GloVeModel m, int id, bool approximate, out double trace, out double traceSq, out double normOne)
    {
        trace = traceSq = normOne = 0;
        if (!m.HasCovariance(id)) return false;
        // The full covariance's values bound a compact one's too (truncation drops variance; a diagonal keeps the trace).
        if (!(double.IsFinite(_trace[id]) && double.IsFinite(_traceSq[id]) && double.IsFinite(_normOne[id])))
        {
            var c = m.Covariance(id, approximate);
            int d = m.Dim;
            double t = 0, f = 0, n = 0;
            for (int q = 0; q < d; q++)
            {
                double row = 0;
                for (int u = 0; u < d; u++) { double x = c[q * d + u]; f += x * x; row += Math.Abs(x); }
                t += c[q * d + q]; n = Math.Max(n, row);
            }
            _trace[id] = t; _traceSq[id] = f; _normOne[id] = n;
        }
        trace = _trace[id]; traceSq = _traceSq[id]; normOne = _normOne[id];
        return true;
    }

    public WordReliability Of(GloVeModel m, int id, bool heldFixed, bool approximate = false)
    {
        int k = _contexts[id];
        // A variance folder without variance_info.tsv (the authors' layout, hand-made folders) still has covariances:
        // the noise ratio comes from the covariance itself.
        if (double.IsNaN(_noise[id]) && m.HasCovariance(id) && Spread(m, id, false, out double tr, out _, out _))
        {
            double n2 = 0;
            for (int q = 0, d = m.Dim; q < d; q++) { double x = m.Vectors[(long)id * d + q]; n2 += x * x; }
            _noise[id] = n2 > 0 ? tr / n2 : double.PositiveInfinity;
        }
        double kept = approximate && m.HasCovariance(id) ? m.Variances!.ApproxKept(id) : double.NaN;
        return new WordReliability(m.Vocabulary[id], m.HasCovariance(id), heldFixed, k, k < 0 ? -1 : k - m.Dim, _noise[id], _cos[id],
            m.HasCovariance(id) ? _status[id] : _status[id] == "ok" ? "no covariance stored" : _status[id])
        {
            Approximated = approximate,
            CentredOnWls = Refined && m.HasCovariance(id),
            ApproxDropped = double.IsNaN(kept) ? double.NaN : Math.Sqrt(Math.Max(0, 1 - kept * kept)),
        };
    }

    /// <summary>σ_i² from <c>variance_info.tsv</c> (NaN when unknown).</summary>
    public double Sigma2(int id) => _sigma2[id];

    /// <summary>The ridge λ the covariances were computed with (<c>variance_summary.json</c>; the model's recorded ridge
    /// when that is absent).</summary>
    public double Ridge { get; private set; }
    /// <summary>The variances were computed with --refine: the model's vectors are their WLS solutions.</summary>
    public bool Refined { get; private set; }

    /// <summary>Degrees of freedom of σ² (|K| - D), or 0 when unknown (then σ² is treated as known).</summary>
    public int Dof(GloVeModel m, int id) => _contexts[id] > m.Dim ? _contexts[id] - m.Dim : 0;

    VariancePrior? _prior;
    readonly object _priorGate = new();
    /// <summary>The empirical-Bayes prior of the words' σ² (<see cref="VariancePrior"/>), fitted on first use (only the
    /// calibrated method needs it) to every word with a covariance and a recorded σ²; <see cref="VariancePrior.None"/>
    /// when fewer than <see cref="VariancePrior.MinWords"/>. Thread-safe.</summary>
    public VariancePrior Prior(GloVeModel m)
    {
        if (_prior != null) return _prior;
        lock (_priorGate)
        {
            if (_prior != null) return _prior;
            var s2 = new List<double>(); var dof = new List<double>(); var k = new List<double>();
            for (int id = 0; id < _contexts.Length; id++)
            {
                if (!m.HasCovariance(id) || _contexts[id] <= m.Dim) continue;
                s2.Add(_sigma2[id]); dof.Add(_contexts[id] - m.Dim); k.Add(_contexts[id]);
            }
            return _prior = VariancePrior.Fit(s2, dof, k);
        }
    }

    /// <summary>The σ² and degrees of freedom the calibrated method uses for a word: its own moderated by
    /// <see cref="Prior"/>; (NaN, 0) for a word without a covariance or a recorded σ².</summary>
    public (double Sigma2, double Dof) CalibratedSigma2(GloVeModel m, int id) =>
        m.HasCovariance(id) && double.IsFinite(_sigma2[id]) ? Prior(m).Moderate(_sigma2[id], Dof(m, id), _contexts[id]) : (double.NaN, 0);

    /// <summary>The prior degrees of freedom that moderation lends the word (<see cref="VariancePrior.PriorDofFor"/>, from
    /// the same σ² and |K| as <see cref="CalibratedSigma2"/>); NaN for a word without a covariance or a recorded σ².</summary>
    public double CalibratedPriorDof(GloVeModel m, int id) =>
        m.HasCovariance(id) && double.IsFinite(_sigma2[id]) ? Prior(m).PriorDofFor(_sigma2[id], Dof(m, id), _contexts[id]) : double.NaN;
}
