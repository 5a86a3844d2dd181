using System.Globalization;
using System.Text;
using GloVeV.IO;

namespace GloVeV.Variance;

/// <summary>
/// Joins the folders of variance shards (<c>glovev variance --shard k/N</c>) into one variance folder: chunks are
/// renumbered and copied, <c>chunk_map.txt</c>, <c>approx_info.txt</c>, <c>variance_info.tsv</c> and the WLS vectors
/// are combined. The result appears complete or not at all.
/// </summary>
public static class VarianceMerge
{
    public static int Merge(IReadOnlyList<string> partDirs, string outDir)
    {
        if (partDirs.Count == 0) throw new GloVeVException("merge-variances needs at least one shard folder");
        OutputPaths.RefuseInputFolders(outDir, partDirs, "shard");
        VarianceEngine.CheckOutputFolder(outDir, null, null);
        foreach (var p in partDirs) AtomicDirectory.Recover(p);
        foreach (var p in partDirs)
            if (!File.Exists(Path.Combine(p, "variance_info.tsv"))) throw new MissingFileException($"{p}: not a variance folder (no variance_info.tsv)");
        foreach (var p in partDirs) AtomicDirectory.Verify(p);
        var provenance = Provenance.MergeVariance(partDirs);
        var settings = CheckShards(partDirs);
        using var publish = AtomicDirectory.Begin(outDir, VarianceEngine.IsOwnFile);
        var stage = publish.Staging;
        try
        {
            var chunkMap = new StringBuilder();
            var approx = new StringBuilder();
            var kept = new StringBuilder();
            bool anyApprox = false;
            int next = 0, words = 0;
            string[]? info = null;
            string header = "";
            var seen = new HashSet<int>();
            var kinds = new[] { "completechunk", "approxchunk" }.Where(k => partDirs.Any(p => Directory.EnumerateFiles(p, $"{k}_*.safetensors").Any())).ToArray();
            foreach (var part in partDirs)
            {
                var renumber = new Dictionary<int, int>();
                var rowsOf = new Dictionary<int, int>(); // chunk -> rows its words need
                var mappedHere = new HashSet<int>();
                var mapPath = Path.Combine(part, "chunk_map.txt");
                if (File.Exists(mapPath))
                {
                    int lineNo = 0;
                    foreach (var line in File.ReadLines(mapPath))
                    {
                        lineNo++;
                        var f = line.Split('\t');
                        if (f.Length != 4 || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int idx)
                            || !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int chunk)
                            || !int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out int local))
                            throw new GloVeVException($"{mapPath}:{lineNo}: expected 'word<TAB>global index<TAB>chunk<TAB>local index', got '{line}'");
                        if (!seen.Add(idx)) throw new GloVeVException($"word '{f[0]}' appears in more than one shard ({part})");
                        mappedHere.Add(idx);
                        if (!renumber.TryGetValue(chunk, out int nk)) renumber[chunk] = nk = next++;
                        rowsOf[chunk] = Math.Max(rowsOf.GetValueOrDefault(chunk), local + 1);
                        chunkMap.Append(f[0]).Append('\t').Append(f[1]).Append('\t').Append(nk).Append('\t').Append(f[3]).Append('\n');
                        words++;
                    }
                }
                foreach (var kind in kinds)
                {
                    // A form the shards hold must be there for every chunk a map lists, and each file whole: a shard
                    // copied without its manifest is not verified otherwise, and the merged folder gets a new one.
                    foreach (var (old, nk) in renumber)
                    {
                        var src = Path.Combine(part, $"{kind}_{old}.safetensors");
                        if (!File.Exists(src)) throw new MissingFileException($"{part}: incomplete variance shard: {src} is missing (chunk_map.txt lists words in chunk {old})");
                        CheckChunk(src, kind, mapPath, old, rowsOf[old]);
                        File.Copy(src, Path.Combine(stage, $"{kind}_{nk}.safetensors"));
                    }
                }
                var approxPath = Path.Combine(part, "approx_info.txt");
                if (File.Exists(approxPath)) { anyApprox = true; approx.Append(File.ReadAllText(approxPath)); }
                var keptPath = Path.Combine(part, VarianceStore.ApproxKeptFile);
                if (File.Exists(keptPath))
                {
                    var lines = File.ReadAllLines(keptPath);
                    if (kept.Length == 0 && lines.Length > 0) kept.Append(lines[0]).Append('\n');
                    foreach (var l in lines.Skip(1)) kept.Append(l).Append('\n');
                }
                // variance_info.tsv lists every word in each shard; keep the row of the shard that computed it.
                var infoPath = Path.Combine(part, "variance_info.tsv");
                var rows = File.ReadAllLines(infoPath);
                if (rows.Length == 0) throw new GloVeVException($"{infoPath}: empty (no header line)");
                // The words this shard computed (status ok or pseudo_inverse, a whole number of contexts) are exactly
                // the ones its chunk_map.txt places: an emptied or cut map had merged with half the covariances gone.
                var computedHere = new HashSet<int>();
                for (int i = 1; i < rows.Length; i++)
                {
                    var f = rows[i].Split('\t');
                    if (f.Length < 5 || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int idx)
                        || !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                        throw new GloVeVException($"{infoPath}:{i + 1}: expected 'word<TAB>index<TAB>contexts<TAB>sigma2<TAB>status...', got '{(rows[i].Length > 60 ? rows[i][..60] + "..." : rows[i])}'");
                    if (f[4] is "ok" or "pseudo_inverse") computedHere.Add(idx);
                }
                if (!computedHere.SetEquals(mappedHere))
                    throw new GloVeVException($"{part}: variance_info.tsv records {computedHere.Count} computed covariances but chunk_map.txt places {mappedHere.Count} " +
                        $"({computedHere.Except(mappedHere).Count()} computed words unplaced, {mappedHere.Except(computedHere).Count()} placed words not computed): the shard is damaged; compute it again");
                header = rows[0];
                if (info == null) info = rows.Skip(1).ToArray();
                else
                {
                    if (rows.Length - 1 != info.Length) throw new GloVeVException($"{part}: shard has {rows.Length - 1} words, others {info.Length}");
                    for (int i = 0; i < info.Length; i++)
                    {
                        var st = rows[i + 1].Split('\t')[4];
                        if (st is "ok" or "pseudo_inverse") info[i] = rows[i + 1];
                    }
                }
            }
            MergeWls(partDirs, stage);
            File.WriteAllText(Path.Combine(stage, "chunk_map.txt"), chunkMap.ToString());
            if (anyApprox) File.WriteAllText(Path.Combine(stage, "approx_info.txt"), approx.ToString());
            if (kept.Length > 0) File.WriteAllText(Path.Combine(stage, VarianceStore.ApproxKeptFile), kept.ToString());
            File.WriteAllLines(Path.Combine(stage, "variance_info.tsv"), info!.Prepend(header));
            File.WriteAllText(Path.Combine(stage, "variance_summary.json"), MergedSummary(settings, partDirs.Count, words, next));
            if (provenance != null) File.WriteAllText(Path.Combine(stage, Provenance.VarianceFile), provenance);
            publish.Commit();
            return words;
        }
        finally
        {
            if (Directory.Exists(stage)) try { Directory.Delete(stage, true); } catch (IOException) { }
        }
    }

    /// <summary>A chunk file readable as safetensors (header, data offsets within the file); a complete one with a row
    /// for every word that chunk_map.txt places in it.</summary>
    static void CheckChunk(string path, string kind, string mapPath, int chunk, int rows)
    {
        using var file = new IO.SafeTensorsFile(path);
        if (kind != "completechunk") return;
        if (!file.Tensors.TryGetValue("variances", out var t))
            throw new GloVeVException($"{path}: no tensor 'variances' (a complete chunk holds the covariances under that name)");
        if (t.Shape.Length != 3 || t.Shape[0] < rows)
            throw new GloVeVException($"{path}: tensor 'variances' has shape [{string.Join(",", t.Shape)}], but {mapPath} places {rows} words in chunk {chunk}");
    }

    /// <summary>Settings every shard must share: a folder mixing them would hold chunks of two forms (a shard without
    /// complete forms among complete ones leaves completechunk files missing, which no reader opens) or compact forms
    /// kept to two targets, or covariances of two weightings.</summary>
    static readonly (string Key, string Name)[] SharedSettings =
    [
        ("complete", "complete"), ("approx_target", "approx"), ("refined", "refine"),
        ("dim", "dim"), ("x_max", "x_max"), ("alpha", "alpha"), ("ridge", "ridge"),
    ];

    /// <summary>Refuses an incomplete or mixed set of shards before anything is written: each of shards 1..N exactly
    /// once (a folder without shard numbers counts as 1/1, a whole run), all with the same settings. Returns the
    /// shared settings (from the first shard's summary).</summary>
    static Dictionary<string, string> CheckShards(IReadOnlyList<string> parts)
    {
        var summaries = parts.Select(ReadSummary).ToList();
        var first = summaries[0];
        int n = first.Shards;
        for (int p = 1; p < parts.Count; p++)
            if (summaries[p].Shards != n)
                throw new GloVeVException($"{parts[p]}: shard {summaries[p].Shard}/{summaries[p].Shards}, but {parts[0]} is shard {first.Shard}/{n}: shards of one run share N");
        var byShard = new Dictionary<int, string>();
        for (int p = 0; p < parts.Count; p++)
            if (!byShard.TryAdd(summaries[p].Shard, parts[p]))
                throw new GloVeVException($"two folders are shard {summaries[p].Shard}/{n} ({byShard[summaries[p].Shard]} and {parts[p]}); merge needs each of shards 1..{n} exactly once");
        var missing = Enumerable.Range(1, n).Where(k => !byShard.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new GloVeVException($"missing shard{(missing.Count > 1 ? "s" : "")} {Ranges(missing)} of {n}: merge needs each of shards 1..{n} exactly once " +
                $"(given: {string.Join(", ", byShard.Keys.Order().Select(k => $"{k}/{n}"))}); the words of a missing shard would have no covariance");
        for (int p = 1; p < parts.Count; p++)
            foreach (var (key, name) in SharedSettings)
            {
                string a = summaries[p].Settings.GetValueOrDefault(key, "(not recorded)"), b = first.Settings.GetValueOrDefault(key, "(not recorded)");
                if (a != b)
                    throw new GloVeVException($"{parts[p]}: shard was computed with {name} = {a}, but {parts[0]} with {name} = {b}; a merged folder would mix " +
                        (key == "complete" ? "shards with and without complete forms (no reader opens it)" : key == "approx_target" ? "compact forms kept to two targets" : "covariances of two settings") +
                        "; compute every shard with the same settings");
            }
        return first.Settings;
    }

    sealed record ShardSummary(int Shard, int Shards, Dictionary<string, string> Settings);

    static ShardSummary ReadSummary(string dir)
    {
        var path = Path.Combine(dir, "variance_summary.json");
        if (!File.Exists(path)) throw new MissingFileException($"{dir}: not a variance folder (no variance_summary.json)");
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object) throw new GloVeVException($"{path}: not a JSON object");
            // A merged folder records where it came from, not its settings in full: it is not a shard.
            if (root.TryGetProperty("merged_from", out _))
                throw new GloVeVException($"{dir}: is a merged variance folder, not a shard; merge the shard folders themselves");
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, _) in SharedSettings)
                if (root.TryGetProperty(key, out var v)) settings[key] = v.GetRawText();
            int shard = 1, shards = 1;
            if (root.TryGetProperty("shards", out var ns) | root.TryGetProperty("shard", out var ks))
            {
                if (ns.ValueKind != System.Text.Json.JsonValueKind.Number || ks.ValueKind != System.Text.Json.JsonValueKind.Number
                    || !ns.TryGetInt32(out shards) || !ks.TryGetInt32(out shard) || shards < 1 || shard < 1 || shard > shards)
                    throw new GloVeVException($"{path}: 'shard' and 'shards' must be whole numbers with 1 <= shard <= shards");
            }
            return new ShardSummary(shard, shards, settings);
        }
        catch (System.Text.Json.JsonException e) { throw new GloVeVException($"{path}: not valid JSON ({e.Message})"); }
    }

    static string Ranges(List<int> ks)
    {
        var parts = new List<string>();
        for (int i = 0; i < ks.Count;)
        {
            int j = i;
            while (j + 1 < ks.Count && ks[j + 1] == ks[j] + 1) j++;
            parts.Add(j == i ? $"{ks[i]}" : j == i + 1 ? $"{ks[i]}, {ks[j]}" : $"{ks[i]}-{ks[j]}");
            i = j + 1;
        }
        if (parts.Count > 20) parts = [.. parts.Take(20), "..."];
        return string.Join(", ", parts);
    }

    static string MergedSummary(Dictionary<string, string> settings, int parts, int words, int chunks)
    {
        using var ms = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(ms, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("merged_from", parts);
            w.WriteNumber("words_with_variance", words);
            w.WriteNumber("chunks", chunks);
            foreach (var (key, _) in SharedSettings)
                if (settings.TryGetValue(key, out var v)) { w.WritePropertyName(key); w.WriteRawValue(v); }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }

    static void MergeWls(IReadOnlyList<string> parts, string stage)
    {
        var files = parts.Select(p => Path.Combine(p, VarianceEngine.WlsVectorsFile)).Where(File.Exists).ToList();
        if (files.Count == 0) return;
        if (files.Count != parts.Count) throw new GloVeVException("some shards were computed with refine and some without");
        double[]? merged = null;
        long[] shape = [];
        foreach (var (path, part) in files.Zip(parts))
        {
            using var f = new SafeTensorsFile(path);
            var e = f.Expect("center_vectors", [-1, -1], TensorDType.F64);
            var v = f.ReadDoubles("center_vectors");
            if (merged == null) { merged = v; shape = e.Shape; continue; }
            int d = (int)shape[1];
            foreach (var line in File.ReadLines(Path.Combine(part, "chunk_map.txt")))
            {
                int idx = int.Parse(line.Split('\t')[1], CultureInfo.InvariantCulture);
                Array.Copy(v, (long)idx * d, merged, (long)idx * d, d);
            }
        }
        SafeTensorsWriter.WriteAll(Path.Combine(stage, VarianceEngine.WlsVectorsFile), [(new TensorSpec("center_vectors", TensorDType.F64, shape), w => w.Write<double>(merged))],
            new Dictionary<string, string> { ["refined"] = "true" });
    }
}
