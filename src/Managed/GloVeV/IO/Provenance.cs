using System.Globalization;
using System.Text;
using GloVeV.Cooccurrence;
using GloVeV.Text;

namespace GloVeV.IO;

/// <summary>
/// What each artefact was built from, and the checks every reader makes. Keys:
/// <list type="bullet">
/// <item>co-occurrence CSR metadata: <c>vocab_hash</c> (the vocabulary it was counted or converted with),
///   <c>source_bytes</c>, <c>source_mtime</c>, <c>source_sha256</c> (the <c>cooccurrence.bin</c> it mirrors);</item>
/// <item>params metadata: <c>vocab_hash</c>, <c>cooccur_sha256</c> (the matrix it was trained on), <c>params_id</c>
///   (a content hash of the parameters);</item>
/// <item>variance folders: <c>provenance.tsv</c> with <c>params_id</c>, <c>vocab_hash</c>, <c>cooccur_sha256</c>.</item>
/// </list>
/// A mismatch is an error naming both files. Artefacts made elsewhere (GloVe C, the GloVe-V authors' downloads) or by
/// earlier versions lack the keys and are not checked.
/// </summary>
public static class Provenance
{
    public const string VarianceFile = "provenance.tsv";

    static string Short(string h) => h.Length > 12 ? h[..12] : h;

    /// <summary>Records in a model's params metadata what it was trained from, and gives the run a fresh identity.</summary>
    /// <remarks>The identity is the SHA-256 of the four parameter blocks, so a bit-identical retraining keeps its
    /// identity (and its variances stay valid) and any other run gets a new one.</remarks>
    public static void StampParams(Training.GloVeParameters p, CsrMatrix x, Vocabulary vocab)
    {
        var meta = p.Metadata;
        meta["vocab_hash"] = vocab.Hash();
        if (x.Metadata.TryGetValue("source_sha256", out var s)) meta["cooccur_sha256"] = s;
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var a in new[] { p.Center, p.Context, p.CenterBias, p.ContextBias })
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()));
        meta["params_id"] = Convert.ToHexStringLower(sha.GetHashAndReset())[..32];
    }

    /// <summary>Checks that a vocabulary file is the one an artefact was built with.</summary>
    public static void CheckVocab(IReadOnlyDictionary<string, string> meta, string artefact, Vocabulary vocab, string vocabPath)
    {
        if (meta.TryGetValue("vocab_hash", out var h) && h != vocab.Hash())
            throw new GloVeVException($"{artefact} was built with a different vocabulary than {vocabPath} (vocabulary hash {Short(h)}... vs {Short(vocab.Hash())}...; same words in another order count as different, since ids change)");
    }

    /// <summary>Before the variance stage: params, vocabulary and co-occurrence matrix belong together.</summary>
    public static void CheckParams(IReadOnlyDictionary<string, string> paramsMeta, string paramsPath, Vocabulary vocab, string vocabPath, CsrMatrix x)
    {
        CheckVocab(paramsMeta, paramsPath, vocab, vocabPath);
        if (paramsMeta.TryGetValue("cooccur_sha256", out var want) && x.Metadata.TryGetValue("source_sha256", out var have) && want != have)
            throw new GloVeVException($"{paramsPath} was trained on another co-occurrence matrix than {x.Path} (content hash {Short(want)}... vs {Short(have)}...)");
    }

    /// <summary>Writes <c>provenance.tsv</c> of a variance folder being staged.</summary>
    public static void WriteVariance(string stageDir, IReadOnlyDictionary<string, string> paramsMeta, Vocabulary vocab, CsrMatrix? x)
    {
        var sb = new StringBuilder();
        if (paramsMeta.TryGetValue("params_id", out var id)) sb.Append("params_id\t").Append(id).Append('\n');
        sb.Append("vocab_hash\t").Append(vocab.Hash()).Append('\n');
        if (x != null && x.Metadata.TryGetValue("source_sha256", out var s)) sb.Append("cooccur_sha256\t").Append(s).Append('\n');
        File.WriteAllText(Path.Combine(stageDir, VarianceFile), sb.ToString());
    }

    public static Dictionary<string, string> ReadTsv(string path)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return d;
        foreach (var line in File.ReadLines(path))
        {
            var f = line.Split('\t', 2);
            if (f.Length == 2) d[f[0]] = f[1];
        }
        return d;
    }

    /// <summary>A model folder's params.safetensors and vectors.safetensors, where both exist and record a training run,
    /// come from the same run (a training killed between renaming the two would leave one of each).</summary>
    public static void CheckParamsAndVectors(string modelDir)
    {
        var pp = Path.Combine(modelDir, Training.GloVeParameters.ParamsFile);
        var vp = Path.Combine(modelDir, Training.GloVeParameters.VectorsFile);
        if (!File.Exists(pp) || !File.Exists(vp)) return;
        string? a, b;
        using (var f = new SafeTensorsFile(pp)) f.Metadata.TryGetValue("params_id", out a);
        using (var f = new SafeTensorsFile(vp)) f.Metadata.TryGetValue("params_id", out b);
        if (a != null && b != null && a != b)
            throw new GloVeVException($"{modelDir}: {Training.GloVeParameters.ParamsFile} and {Training.GloVeParameters.VectorsFile} come from different training runs (params_id {Short(a)}... vs {Short(b)}...; an interrupted 'glovev train'?); train the model again");
    }

    /// <summary>When a model is opened: the vocabulary is the one the vectors were trained with, and the variances were
    /// computed from these parameters.</summary>
    public static void CheckModel(string vectorsPath, IReadOnlyDictionary<string, string> meta, Vocabulary vocab, string vocabPath, string? varianceDir)
    {
        CheckParamsAndVectors(Path.GetDirectoryName(Path.GetFullPath(vectorsPath))!);
        CheckVocab(meta, vectorsPath, vocab, vocabPath);
        if (varianceDir == null) return;
        var pv = Path.Combine(varianceDir, VarianceFile);
        var rec = ReadTsv(pv);
        if (rec.TryGetValue("vocab_hash", out var vh) && vh != vocab.Hash())
            throw new GloVeVException($"{varianceDir}: variances were computed with a different vocabulary than {vocabPath} (recorded in {pv})");
        if (rec.TryGetValue("params_id", out var pid))
        {
            if (!meta.TryGetValue("params_id", out var mine))
            {
                // vectors.safetensors carries no params_id: look at params.safetensors beside it.
                var pp = Path.Combine(Path.GetDirectoryName(vectorsPath)!, "params.safetensors");
                if (Path.GetFileName(vectorsPath) != "params.safetensors" && File.Exists(pp))
                {
                    using var f = new SafeTensorsFile(pp);
                    f.Metadata.TryGetValue("params_id", out mine);
                    vectorsPath = pp;
                }
            }
            // Variances record the training run they were computed for; vectors without a run's identity (imported ones)
            // cannot be those of that run as far as anything here can tell, and mixing the two gives intervals around the
            // wrong vectors.
            if (mine == null)
                throw new GloVeVException($"{varianceDir}: variances were computed for a training run (params_id {Short(pid)}... in {pv}), but {vectorsPath} records none (imported vectors?), so they cannot be checked to belong together; use the variances with the model folder whose params.safetensors they were computed from");
            if (mine != pid)
                throw new GloVeVException($"{varianceDir}: variances were computed for another training run than {vectorsPath} (params_id {Short(pid)}... in {pv}, {Short(mine)}... in the model); re-run 'glovev variance'");
        }
    }

    /// <summary>Retraining into a model folder: the old variances no longer describe the new vectors, so they are
    /// removed (renamed to a dead-run name first, so a kill midway never leaves a partial folder under the real name).</summary>
    public static void InvalidateVariances(string modelDir)
    {
        var v = Path.Combine(modelDir, "variances");
        if (!Directory.Exists(v)) return;
        var aside = Path.Combine(modelDir, $".variances.staging.{Environment.ProcessId}.{Guid.NewGuid():N}");
        Directory.Move(v, aside);
        try { Directory.Delete(aside, true); } catch (IOException) { }
    }

    /// <summary>Merging variance shards: every shard must come from the same model; returns the common record.</summary>
    public static string? MergeVariance(IReadOnlyList<string> parts)
    {
        string? first = null; string? firstDir = null;
        foreach (var p in parts)
        {
            var path = Path.Combine(p, VarianceFile);
            var text = File.Exists(path) ? File.ReadAllText(path) : "";
            if (firstDir == null) { first = text; firstDir = p; continue; }
            if (text != first) throw new GloVeVException($"{p}: shard was computed from another model than {firstDir} (their {VarianceFile} differ)");
        }
        return string.IsNullOrEmpty(first) ? null : first;
    }

    /// <summary>Size and modification time of a file, as recorded in CSR metadata.</summary>
    public static (string Bytes, string Mtime) Stat(string path)
    {
        var fi = new FileInfo(path);
        return (fi.Length.ToString(CultureInfo.InvariantCulture), fi.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture));
    }
}
