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
    public IReadOnlyList<string> Warnings
    {
        get
        {
            var w = new List<string>();
            if (!HasCovariance) w.Add($"no covariance ({VarianceStatus}, {Contexts} contexts): held fixed as if exact");
            if (NoiseRatio >= IntervalDefaults.NoiseRatioFlag) w.Add($"noise ratio tr(Sigma)/|w|^2 = {NoiseRatio.ToString("G3", CultureInfo.InvariantCulture)} >= {IntervalDefaults.NoiseRatioFlag}");
            if (CosTrainedWls < IntervalDefaults.CosWlsFlag) w.Add($"cos(trained, WLS) = {CosTrainedWls.ToString("G3", CultureInfo.InvariantCulture)} < {IntervalDefaults.CosWlsFlag}: training not converged for it");
            return w;
        }
    }

    public bool Flagged => Warnings.Count > 0;

    /// <summary>Bit mask of the warnings (the C ABI's GV_FLAG_*): 1 no covariance, 2 noise ratio >= 1, 4 cos(trained, WLS) &lt; 0.9.</summary>
    public int Flags => (HasCovariance ? 0 : 1) | (NoiseRatio >= IntervalDefaults.NoiseRatioFlag ? 2 : 0) | (CosTrainedWls < IntervalDefaults.CosWlsFlag ? 4 : 0);
}

/// <summary>Per-word rows of <c>variance_info.tsv</c>, by vocabulary index (read once per model).</summary>
public sealed class ReliabilityTable
{
    readonly int[] _contexts;
    readonly double[] _noise, _cos;
    readonly string[] _status;

    public ReliabilityTable(GloVeModel m)
    {
        int v = m.VocabSize;
        _contexts = new int[v]; _noise = new double[v]; _cos = new double[v]; _status = new string[v];
        Array.Fill(_contexts, -1); Array.Fill(_noise, double.NaN); Array.Fill(_cos, double.NaN); Array.Fill(_status, "no variances");
        var path = m.Variances == null ? null : Path.Combine(m.Variances.Directory, "variance_info.tsv");
        if (path == null || !File.Exists(path)) return;
        var inv = CultureInfo.InvariantCulture;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split('\t');
            if (f.Length < 8) continue;
            if (!m.Vocabulary.TryGetId(f[0], out int id)) continue;
            _contexts[id] = int.TryParse(f[2], NumberStyles.Integer, inv, out var k) ? k : -1;
            _status[id] = f[4];
            _cos[id] = double.TryParse(f[6], NumberStyles.Float, inv, out var c) ? c : double.NaN;
            _noise[id] = double.TryParse(f[7], NumberStyles.Float, inv, out var r) ? r : double.NaN;
        }
    }

    public WordReliability Of(GloVeModel m, int id, bool heldFixed)
    {
        int k = _contexts[id];
        return new WordReliability(m.Vocabulary[id], m.HasCovariance(id), heldFixed, k, k < 0 ? -1 : k - m.Dim, _noise[id], _cos[id],
            m.HasCovariance(id) ? _status[id] : _status[id] == "ok" ? "no covariance stored" : _status[id]);
    }

    /// <summary>Degrees of freedom of σ² (|K| - D), or 0 when unknown (then σ² is treated as known).</summary>
    public int Dof(GloVeModel m, int id) => _contexts[id] > m.Dim ? _contexts[id] - m.Dim : 0;
}
