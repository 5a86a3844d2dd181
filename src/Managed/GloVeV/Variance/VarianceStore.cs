using System.Globalization;
using GloVeV.IO;
using GloVeV.Text;

namespace GloVeV.Variance;

/// <summary>
/// Reads stored GloVe-V covariances, ours or the authors' downloads (every chunk file opened with the store, read on
/// demand). Layouts understood: <c>chunk_map.txt</c> + <c>completechunk_{k}</c> / <c>complete_chunk_{k}</c>
/// (tensor <c>variances</c> [n,D,D]); <c>approx_info.txt</c> + <c>approxchunk_{k}</c> (tensors <c>diag_{idx}</c>,
/// <c>U_{idx}</c>/<c>s_{idx}</c>/<c>Vt_{idx}</c>, <c>complete_{idx}</c>); and the authors' single files
/// <c>CompleteVariances.safetensors</c> / <c>ApproximationVariances.safetensors</c>.
/// Thread-safe for concurrent reads.
/// </summary>
public sealed class VarianceStore : IDisposable
{
    public readonly record struct Location(int GlobalIndex, int Chunk, int Local);

    readonly string _dir;
    readonly Dictionary<string, Location> _byWord = new(StringComparer.Ordinal);
    readonly Dictionary<int, Location> _byIndex = new();
    readonly Dictionary<string, SafeTensorsFile> _open = new();
    readonly object _gate = new();
    public int Dim { get; private set; }
    public bool HasComplete { get; }
    public bool HasApprox { get; }
    public int Count => _byIndex.Count;
    public string Directory => _dir;
    public IEnumerable<int> Indices => _byIndex.Keys;

    /// <summary>Per word with a compact covariance: its form and the share it keeps (see <see cref="ApproxKept"/>).</summary>
    public const string ApproxKeptFile = "approx_kept.tsv";
    Dictionary<int, double>? _kept;

    /// <summary>What the compact covariance of word <paramref name="id"/> keeps of the complete one,
    /// sqrt(1 - ||Σ - approx||²_F / ||Σ||²_F) (1 = nothing dropped); NaN when the folder does not say.</summary>
    public double ApproxKept(int id)
    {
        lock (_gate)
        {
            if (_kept == null)
            {
                _kept = new Dictionary<int, double>();
                var path = Path.Combine(_dir, ApproxKeptFile);
                if (File.Exists(path))
                    foreach (var line in File.ReadLines(path).Skip(1))
                    {
                        var f = line.Split('\t');
                        if (f.Length >= 4 && int.TryParse(f[1], out int i) && double.TryParse(f[3], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double k))
                            _kept[i] = k;
                    }
            }
            return _kept.TryGetValue(id, out var v) ? v : double.NaN;
        }
    }

    public VarianceStore(string dir)
    {
        _dir = dir;
        AtomicDirectory.Recover(dir);
        if (!System.IO.Directory.Exists(dir)) throw new MissingFileException($"{dir}: variance folder not found");
        AtomicDirectory.Verify(dir);
        var map = Path.Combine(dir, "chunk_map.txt");
        bool singles = File.Exists(Path.Combine(dir, "CompleteVariances.safetensors")) || File.Exists(Path.Combine(dir, "ApproximationVariances.safetensors"));
        if (!File.Exists(map) && !singles)
            throw new GloVeVException($"{dir}: incomplete variance folder: {map} is missing (it says which word is in which chunk)");
        if (File.Exists(map))
        {
            int lineNo = 0;
            foreach (var line in File.ReadLines(map))
            {
                lineNo++;
                if (line.Length == 0) continue;
                var f = line.Split('\t');
                if (f.Length != 4 || !int.TryParse(f[1], out int g) || !int.TryParse(f[2], out int c) || !int.TryParse(f[3], out int l) || g < 0 || c < 0 || l < 0)
                    throw new GloVeVException($"{map}:{lineNo}: expected 'word<TAB>global index<TAB>chunk<TAB>local index'");
                var loc = new Location(g, c, l);
                if (_byIndex.ContainsKey(g)) throw new GloVeVException($"{map}:{lineNo}: word index {g} is listed twice");
                _byWord[f[0]] = loc;
                _byIndex[g] = loc;
            }
            // An empty map would give a model whose words all lack covariances (zero-width intervals): refuse it,
            // unless the summary says no word had enough contexts.
            if (_byIndex.Count == 0 && !singles && !NoWordsRecorded(dir))
                throw new GloVeVException($"{map}: empty chunk map, but the folder should list the words with covariances (incomplete or damaged variance folder)");
        }
        var chunks = _byIndex.Values.Select(l => l.Chunk).Distinct().Order().ToList();
        bool anyComplete = chunks.Any(c => File.Exists(CompletePath(c)));
        bool approxInfo = File.Exists(Path.Combine(dir, "approx_info.txt"));
        // Every chunk of a form the folder holds must be there: no silent fallback to the other form.
        if (anyComplete)
            foreach (var c in chunks)
                if (!File.Exists(CompletePath(c))) throw new GloVeVException($"{dir}: incomplete variance folder: {Path.Combine(dir, $"completechunk_{c}.safetensors")} is missing ({map} lists words in chunk {c})");
        if (approxInfo)
            foreach (var c in chunks)
                if (!File.Exists(Path.Combine(dir, $"approxchunk_{c}.safetensors"))) throw new GloVeVException($"{dir}: incomplete variance folder: {Path.Combine(dir, $"approxchunk_{c}.safetensors")} is missing ({map} lists words in chunk {c})");
        HasComplete = (_byIndex.Count > 0 && anyComplete) || File.Exists(Path.Combine(dir, "CompleteVariances.safetensors"));
        HasApprox = approxInfo || File.Exists(Path.Combine(dir, "ApproximationVariances.safetensors"));
        if (_byIndex.Count == 0 && !singles) { HasComplete = true; return; }
        if (!HasComplete && !HasApprox) throw new GloVeVException($"{dir}: no GloVe-V variances found (expected chunk_map.txt with completechunk_*/approxchunk_* files, or CompleteVariances.safetensors/ApproximationVariances.safetensors)");
        // Every chunk is opened now, not at its first query: an open file keeps reading the run it was opened from, so a
        // rerun of the variance stage that replaces the folder under an open model cannot mix its chunks with these.
        _traces = RecordedTraces(dir);
        try
        {
            foreach (var c in chunks)
            {
                if (anyComplete) Open(CompletePath(c));
                if (approxInfo) Open(Path.Combine(dir, $"approxchunk_{c}.safetensors"));
            }
        }
        catch { Dispose(); throw; }
    }

    // tr(Σ_i) of every word as variance_info.tsv records it (null when the folder has no such column: the authors'
    // downloads): a complete covariance read back must have it, which a chunk file swapped for another of the same
    // size, or one changed in place, does not.
    readonly Dictionary<int, double>? _traces;

    static Dictionary<int, double>? RecordedTraces(string dir)
    {
        var path = Path.Combine(dir, "variance_info.tsv");
        if (!File.Exists(path)) return null;
        using var lines = File.ReadLines(path).GetEnumerator();
        if (!lines.MoveNext()) return null;
        var head = lines.Current.Split('\t');
        int ti = Array.IndexOf(head, "trace"), ii = Array.IndexOf(head, "index");
        if (ti < 0 || ii < 0) return null;
        var r = new Dictionary<int, double>();
        while (lines.MoveNext())
        {
            // A damaged row is refused, by its line, by the reliability table every model reads (Inference/Reliability.cs);
            // here it only goes unchecked.
            var f = lines.Current.Split('\t');
            if (f.Length > Math.Max(ti, ii) && int.TryParse(f[ii], NumberStyles.Integer, CultureInfo.InvariantCulture, out int g)
                && double.TryParse(f[ti], NumberStyles.Float, CultureInfo.InvariantCulture, out double t))
                r[g] = t;
        }
        return r;
    }

    /// <summary>A complete covariance whose trace is not the one variance_info.tsv recorded for its word was not written
    /// by the run that wrote the rest of the folder.</summary>
    void CheckTrace(double[] c, int g, string word)
    {
        if (_traces == null || !_traces.TryGetValue(g, out double recorded)) return;
        int d = (int)Math.Round(Math.Sqrt(c.Length));
        double t = 0;
        for (int q = 0; q < d; q++) t += c[q * d + q];
        if (!(Math.Abs(t - recorded) <= 1e-9 * Math.Abs(recorded)))
            throw new GloVeVException($"{_dir}: the complete covariance of '{word}' has trace {t.ToString("G6", CultureInfo.InvariantCulture)}, but variance_info.tsv records {recorded.ToString("G6", CultureInfo.InvariantCulture)} for it: the folder's files do not come from one variance run (a chunk replaced or changed); rerun glovev variance");
    }

    /// <summary>Refuses a folder whose chunk map puts its words at other indices than the vocabulary does: the covariances
    /// of another model (a copied folder without its provenance) would otherwise be read for the wrong words.</summary>
    public void CheckWords(Vocabulary vocab)
    {
        foreach (var (word, loc) in _byWord)
            if (loc.GlobalIndex >= vocab.Count || vocab[loc.GlobalIndex] != word)
                throw new GloVeVException($"{_dir}/chunk_map.txt: lists '{word}' at index {loc.GlobalIndex}, but the model's vocabulary has " +
                    (loc.GlobalIndex >= vocab.Count ? $"only {vocab.Count} words" : $"'{vocab[loc.GlobalIndex]}' there") + ": these variances belong to another model");
    }

    static bool NoWordsRecorded(string dir)
    {
        var summary = Path.Combine(dir, "variance_summary.json");
        if (!File.Exists(summary)) return false;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(summary));
            foreach (var key in new[] { "words_with_variance", "words" })
                if (doc.RootElement.TryGetProperty(key, out var w) && w.ValueKind == System.Text.Json.JsonValueKind.Number && w.GetInt64() == 0) return true;
        }
        catch (System.Text.Json.JsonException) { }
        return false;
    }

    string CompletePath(int chunk)
    {
        var a = Path.Combine(_dir, $"completechunk_{chunk}.safetensors");
        return File.Exists(a) ? a : Path.Combine(_dir, $"complete_chunk_{chunk}.safetensors");
    }

    SafeTensorsFile Open(string path)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(path, out var f)) return f;
            f = new SafeTensorsFile(path);
            _open[path] = f;
            return f;
        }
    }

    public bool TryLocate(int globalIndex, out Location loc) => _byIndex.TryGetValue(globalIndex, out loc);

    /// <summary>Does the store hold a covariance for this vocabulary index?</summary>
    public bool Has(int globalIndex)
    {
        if (_byIndex.ContainsKey(globalIndex)) return true;
        var single = Path.Combine(_dir, "CompleteVariances.safetensors");
        if (File.Exists(single))
        {
            var e = Open(single).Entry("variances");
            return globalIndex >= 0 && globalIndex < e.Shape[0];
        }
        var approx = Path.Combine(_dir, "ApproximationVariances.safetensors");
        if (File.Exists(approx))
        {
            var f = Open(approx);
            return f.Contains($"diag_{globalIndex}") || f.Contains($"U_{globalIndex}") || f.Contains($"complete_{globalIndex}");
        }
        return false;
    }

    /// <summary>Whether a query that asks for compact forms (or not) reads them: the form asked for where the folder has
    /// it, else the only one it has (<see cref="Inference.Propagation.Approximate"/> flags the answer by what was read).</summary>
    public bool UsesCompact(bool approximate) => approximate ? HasApprox : !HasComplete;

    /// <summary>Sigma_i (D x D, row-major) of vocabulary index <paramref name="globalIndex"/>; <paramref name="approximate"/>
    /// reads the compact form (the other form when only one exists: see <see cref="UsesCompact"/>).</summary>
    public double[] Covariance(int globalIndex, string word, bool approximate = false)
    {
        bool useApprox = UsesCompact(approximate);
        var c = useApprox ? ReadApprox(globalIndex, word) : ReadComplete(globalIndex, word);
        CheckSpd(c, word, useApprox ? "compact" : "complete");
        if (!useApprox) CheckTrace(c, globalIndex, word);
        return c;
    }

    /// <summary>A covariance read from a file must be finite, symmetric and positive (semi-)definite.</summary>
    void CheckSpd(double[] c, string word, string form)
    {
        int d = (int)Math.Round(Math.Sqrt(c.Length));
        if (d * d != c.Length || d == 0) return;
        double scale = 0;
        for (int q = 0; q < c.Length; q++)
        {
            if (!double.IsFinite(c[q])) throw new GloVeVException($"{_dir}: {form} covariance of '{word}' contains NaN or infinity");
            scale = Math.Max(scale, Math.Abs(c[q]));
        }
        for (int a = 0; a < d; a++)
        {
            if (!(c[a * d + a] >= 0)) throw new GloVeVException($"{_dir}: {form} covariance of '{word}' has a negative variance on its diagonal ({c[a * d + a].ToString("G4", CultureInfo.InvariantCulture)}); not a covariance matrix");
            for (int b = 0; b < a; b++)
                if (Math.Abs(c[a * d + b] - c[b * d + a]) > 1e-6 * scale)
                    throw new GloVeVException($"{_dir}: {form} covariance of '{word}' is not symmetric (entries ({a},{b}) and ({b},{a}) differ); not a covariance matrix");
        }
        if (scale == 0) return;
        // Cholesky of Sigma + eps I: fails for a matrix with a clearly negative eigenvalue; a pseudo-inverse's
        // singular (positive semi-definite) matrix passes.
        var l = new double[d * d];
        double jitter = 1e-9 * scale * d;
        for (int j = 0; j < d; j++)
        {
            double sum = c[j * d + j] + jitter;
            for (int k = 0; k < j; k++) sum -= l[j * d + k] * l[j * d + k];
            if (!(sum > 0)) throw new GloVeVException($"{_dir}: {form} covariance of '{word}' is not positive semi-definite; not a covariance matrix");
            double ljj = Math.Sqrt(sum);
            l[j * d + j] = ljj;
            for (int i = j + 1; i < d; i++)
            {
                double t = c[i * d + j];
                for (int k = 0; k < j; k++) t -= l[i * d + k] * l[j * d + k];
                l[i * d + j] = t / ljj;
            }
        }
    }

    double[] ReadComplete(int g, string word)
    {
        SafeTensorsFile f; long row;
        if (_byIndex.TryGetValue(g, out var loc)) { f = Open(CompletePath(loc.Chunk)); row = loc.Local; }
        else
        {
            var single = Path.Combine(_dir, "CompleteVariances.safetensors");
            if (!File.Exists(single)) throw NoVariance(word);
            f = Open(single); row = g;
        }
        var e = f.Entry("variances");
        if (e.Shape.Length != 3 || e.Shape[1] != e.Shape[2]) throw new GloVeVException($"{f.Path}: tensor 'variances' must have shape [n, D, D], has [{string.Join(",", e.Shape)}]");
        if (row >= e.Shape[0]) throw new GloVeVException($"{f.Path}: word '{word}' maps to row {row} but the chunk has {e.Shape[0]}");
        int d = (int)e.Shape[1];
        CheckDim(d, f.Path);
        var r = new double[d * d];
        f.ReadDoubles(e, row * d * d, r);
        return r;
    }

    double[] ReadApprox(int g, string word)
    {
        SafeTensorsFile f;
        if (_byIndex.TryGetValue(g, out var loc) && File.Exists(Path.Combine(_dir, $"approxchunk_{loc.Chunk}.safetensors")))
            f = Open(Path.Combine(_dir, $"approxchunk_{loc.Chunk}.safetensors"));
        else
        {
            var single = Path.Combine(_dir, "ApproximationVariances.safetensors");
            if (!File.Exists(single)) throw NoVariance(word);
            f = Open(single);
        }
        if (f.Contains($"diag_{g}"))
        {
            var diag = f.ReadDoubles($"diag_{g}");
            int d = diag.Length; CheckDim(d, f.Path);
            var r = new double[d * d];
            for (int q = 0; q < d; q++) r[q * d + q] = diag[q];
            return r;
        }
        if (f.Contains($"U_{g}"))
        {
            var ue = f.Entry($"U_{g}");
            if (ue.Shape.Length != 2) throw new GloVeVException($"{f.Path}: U_{g} must be 2-D");
            int d = (int)ue.Shape[0], rank = (int)ue.Shape[1];
            CheckDim(d, f.Path);
            f.Expect($"s_{g}", [rank]); f.Expect($"Vt_{g}", [rank, d]);
            var u = f.ReadDoubles($"U_{g}"); var s = f.ReadDoubles($"s_{g}"); var vt = f.ReadDoubles($"Vt_{g}");
            var m = new double[d * d];
            for (int q = 0; q < d; q++)
                for (int v = 0; v < d; v++)
                {
                    double acc = 0;
                    for (int e2 = 0; e2 < rank; e2++) acc += u[q * rank + e2] * s[e2] * vt[e2 * d + v];
                    m[q * d + v] = acc;
                }
            return m;
        }
        if (f.Contains($"complete_{g}"))
        {
            var e = f.Entry($"complete_{g}");
            if (e.Shape.Length != 2 || e.Shape[0] != e.Shape[1]) throw new GloVeVException($"{f.Path}: complete_{g} must be D x D");
            CheckDim((int)e.Shape[0], f.Path);
            return f.ReadDoubles($"complete_{g}");
        }
        throw NoVariance(word);
    }

    void CheckDim(int d, string path)
    {
        if (Dim == 0) Dim = d;
        else if (Dim != d) throw new GloVeVException($"{path}: covariance is {d} x {d} but others are {Dim} x {Dim}");
    }

    static GloVeVException NoVariance(string word) =>
        new($"word '{word}' has no GloVe-V variance (too few contexts, or not computed); see variance_info.tsv");

    public void Dispose()
    {
        lock (_gate) { foreach (var f in _open.Values) f.Dispose(); _open.Clear(); }
    }

    /// <summary>Reads variance_info.tsv rows as (word, contexts, sigma2, status, noise ratio), if present.</summary>
    public IReadOnlyDictionary<string, (int Contexts, double Sigma2, string Status, double NoiseRatio)> Info()
    {
        var path = Path.Combine(_dir, "variance_info.tsv");
        var r = new Dictionary<string, (int, double, string, double)>(StringComparer.Ordinal);
        if (!File.Exists(path)) return r;
        int lineNo = 1;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            lineNo++;
            var f = line.Split('\t');
            if (f.Length < 8) continue; // (the reliability table, read by every query, refuses such a row by name)
            double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var s2);
            double.TryParse(f[7], NumberStyles.Float, CultureInfo.InvariantCulture, out var nr);
            if (!int.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int k))
                throw new GloVeVException($"{path}:{lineNo}: contexts is not a count: '{f[2]}'");
            r[f[0]] = (k, f[3] == "NA" ? double.NaN : s2, f[4], f[7] == "NA" ? double.NaN : nr);
        }
        return r;
    }
}
