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
        foreach (var p in partDirs) AtomicDirectory.Recover(p);
        foreach (var p in partDirs)
            if (!File.Exists(Path.Combine(p, "variance_info.tsv"))) throw new MissingFileException($"{p}: not a variance folder (no variance_info.tsv)");
        foreach (var p in partDirs) AtomicDirectory.Verify(p);
        var provenance = Provenance.MergeVariance(partDirs);
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
            foreach (var part in partDirs)
            {
                var renumber = new Dictionary<int, int>();
                var mapPath = Path.Combine(part, "chunk_map.txt");
                if (File.Exists(mapPath))
                    foreach (var line in File.ReadLines(mapPath))
                    {
                        var f = line.Split('\t');
                        if (f.Length != 4) throw new GloVeVException($"{mapPath}: malformed line '{line}'");
                        int chunk = int.Parse(f[2], CultureInfo.InvariantCulture), idx = int.Parse(f[1], CultureInfo.InvariantCulture);
                        if (!seen.Add(idx)) throw new GloVeVException($"word '{f[0]}' appears in more than one shard ({part})");
                        if (!renumber.TryGetValue(chunk, out int nk)) renumber[chunk] = nk = next++;
                        chunkMap.Append(f[0]).Append('\t').Append(f[1]).Append('\t').Append(nk).Append('\t').Append(f[3]).Append('\n');
                        words++;
                    }
                foreach (var (old, nk) in renumber)
                    foreach (var kind in new[] { "completechunk", "approxchunk" })
                    {
                        var src = Path.Combine(part, $"{kind}_{old}.safetensors");
                        if (File.Exists(src)) File.Copy(src, Path.Combine(stage, $"{kind}_{nk}.safetensors"));
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
                var rows = File.ReadAllLines(Path.Combine(part, "variance_info.tsv"));
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
            File.WriteAllText(Path.Combine(stage, "variance_summary.json"),
                $"{{\n  \"merged_from\": {partDirs.Count},\n  \"words_with_variance\": {words},\n  \"chunks\": {next}\n}}\n");
            if (provenance != null) File.WriteAllText(Path.Combine(stage, Provenance.VarianceFile), provenance);
            publish.Commit();
            return words;
        }
        finally
        {
            if (Directory.Exists(stage)) try { Directory.Delete(stage, true); } catch (IOException) { }
        }
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
