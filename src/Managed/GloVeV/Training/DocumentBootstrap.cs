using System.Globalization;
using System.Text.Json;
using GloVeV.Cooccurrence;
using GloVeV.IO;
using GloVeV.Text;

namespace GloVeV.Training;

/// <summary>Settings of <see cref="DocumentBootstrap"/> (<c>glovev bootstrap</c>).</summary>
public sealed record BootstrapOptions
{
    /// <summary>Replicates trained on documents (lines) resampled with replacement.</summary>
    public int Replicates { get; init; } = 8;
    /// <summary>Replicates trained on the original corpus with new seeds only (optimisation noise).</summary>
    public int SeedReplicates { get; init; }
    /// <summary>A vocabulary to keep fixed (e.g. the model's vocab.txt); null builds it from the corpus with <see cref="MinCount"/>.</summary>
    public string? VocabPath { get; init; }
    /// <summary>The cut-off of the vocabulary built without <see cref="VocabPath"/> (null: <see cref="DefaultMinCount"/>);
    /// given with a vocabulary it would be ignored, so that is refused.</summary>
    public long? MinCount { get; init; }
    public const long DefaultMinCount = 5;
    public int Window { get; init; } = 10;
    public TokenizerOptions Tokenizer { get; init; } = new() { Lowercase = true, SplitPunctuation = true };
    public TrainingOptions Training { get; init; } = new();
    /// <summary>Seeds the resampling; replicate r trains with seed Training.Seed + r (bootstrap) or + 1000 + r (seed-only).</summary>
    public ulong Seed { get; init; } = 1;
    public long MemoryBytes { get; init; } = 2L << 30;
    /// <summary>Do only replicate jobs j (1-based over bootstrap then seed replicates) with j ≡ Shard (mod Shards); 0/0 = all.</summary>
    public int Shard { get; init; }
    public int Shards { get; init; }

    public void Validate()
    {
        if (Replicates < 0) throw new BadArgumentException($"replicates must be >= 0, got {Replicates}");
        if (SeedReplicates < 0) throw new BadArgumentException($"seed_replicates must be >= 0, got {SeedReplicates}");
        if (Seed == 0) throw new BadArgumentException("seed must be >= 1, got 0");
        if (Replicates + SeedReplicates == 0) throw new BadArgumentException("replicates and seed_replicates are both 0: nothing to do");
        if (Replicates > 9999 || SeedReplicates > 9999) throw new BadArgumentException("at most 9999 replicates of each kind");
        if (MinCount < 1) throw new BadArgumentException($"min_count must be at least 1, got {MinCount}");
        if (MinCount != null && VocabPath != null)
            throw new BadArgumentException("min_count applies when the bootstrap builds its vocabulary; with a vocabulary (vocab) given there is none to cut");
        if ((Shard != 0 || Shards != 0) && (Shards < 1 || Shard < 1 || Shard > Shards)) throw new BadArgumentException($"shard must be k/N with 1 <= k <= N, got {Shard}/{Shards}");
        // Settings of the counts it makes: a bad one is an argument of this call, like the others here.
        try { new CooccurrenceOptions { Window = Window, MemoryBytes = MemoryBytes, Threads = Training.Threads }.Validate(); }
        catch (GloVeVException e) when (e is not BadArgumentException) { throw new BadArgumentException(e.Message); }
        Training.Validate();
        // Replicate r trains with seed + r (seed-only: + 1000 + r): every one of those must be a seed, not wrap to 0 late
        // in the run.
        ulong last = (ulong)(SeedReplicates > 0 ? 1000 + SeedReplicates : Replicates);
        if (Training.Seed > ulong.MaxValue - last)
            throw new BadArgumentException($"{GloVeVException.Setting("seed")} {Training.Seed}: the replicates train with seeds up to {Training.Seed} + {last}, beyond 2^64 - 1; give a seed of at most {ulong.MaxValue - last}");
        // Replicates are not checkpointed (a rerun resumes at the next missing replicate): the setting would be ignored.
        if (Training.CheckpointEvery != 0)
            throw new BadArgumentException($"{GloVeVException.Setting("checkpoint_every")}: bootstrap replicates are not checkpointed (a rerun resumes at the next missing replicate); leave it out");
    }
}

public sealed record BootstrapResult(string OutDir, int Replicates, int SeedReplicates, int Trained, int AlreadyDone, double Seconds);

/// <summary>
/// <c>glovev bootstrap</c>: the document bootstrap of Antoniak and Mimno (2018) with a fixed vocabulary. Each replicate
/// resamples the corpus's lines (documents) with replacement, counts co-occurrences with the fixed vocabulary (a word
/// absent from a replicate keeps its id and gets no counts), retrains with the same settings and stores the word vectors
/// as <c>replicates/boot_NNNN.safetensors</c>; seed-only replicates (<c>seed_NNNN</c>) retrain the original counts with
/// new seeds. The folder's <c>bootstrap.json</c> records the settings; a rerun with the same settings resumes at the
/// next missing replicate (each replicate file appears complete or not at all), other settings are refused.
/// </summary>
public static class DocumentBootstrap
{
    public const string ManifestFile = "bootstrap.json";
    public const string ReplicateFolder = "replicates";

    public static string ReplicatePath(string outDir, bool seedOnly, int r) =>
        Path.Combine(outDir, ReplicateFolder, $"{(seedOnly ? "seed" : "boot")}_{r:D4}.safetensors");

    public static BootstrapResult Run(string corpus, string outDir, BootstrapOptions o, Action<string, double>? progress = null, CancellationToken cancel = default)
    {
        o.Validate();
        if (!File.Exists(corpus)) throw new MissingFileException($"{corpus}: corpus file not found");
        if (o.VocabPath != null && !File.Exists(o.VocabPath)) throw new MissingFileException($"{o.VocabPath}: vocabulary file not found (vocab)");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var work = Path.Combine(outDir, ".work");
        var vocabPath = Path.Combine(outDir, "vocab.txt");
        var manifestPath = Path.Combine(outDir, ManifestFile);
        var settings = Settings(corpus, o);
        CheckOutputFolder(outDir);

        Vocabulary vocab;
        bool fresh = !File.Exists(manifestPath), createdDir = !Directory.Exists(outDir);
        // What a failed first run may remove: only the files it created (a --vocab inside --out is the user's).
        var tokenizerPath = Vocabulary.TokenizerFile(vocabPath);
        bool ownVocab = !File.Exists(vocabPath), ownTokenizer = !File.Exists(tokenizerPath);
        if (!fresh)
        {
            var old = ReadManifest(outDir, "settings");
            if (old != settings)
                throw new BadArgumentException($"{outDir} holds a bootstrap with other settings ({old}); this run has ({settings}). Use another out or the same settings to resume");
            vocab = Vocabulary.Load(vocabPath);
        }
        else
        {
            vocab = o.VocabPath != null ? Vocabulary.Load(o.VocabPath)
                : VocabularyBuilder.Build(corpus, new VocabularyOptions { MinCount = o.MinCount ?? BootstrapOptions.DefaultMinCount, Tokenizer = o.Tokenizer, Threads = o.Training.Threads }).Vocabulary;
            // Refused here, before the folder records these settings, rather than by the first count (a folder that
            // records a refused run's settings would refuse the corrected rerun).
            vocab.CheckTokenizer(o.Tokenizer);
            Directory.CreateDirectory(outDir);
            vocab.Save(vocabPath);
            AtomicFile.WriteAllText(manifestPath, Manifest(settings, vocab, o));
        }
        try { return RunReplicates(corpus, outDir, o, vocab, vocabPath, work, sw, progress, cancel); }
        catch when (fresh && !AnyReplicate(outDir))
        {
            // A first run that ends before any replicate exists leaves no record of its settings behind.
            try
            {
                if (Directory.Exists(work)) Directory.Delete(work, true);
                var reps = Path.Combine(outDir, ReplicateFolder);
                if (Directory.Exists(reps) && !Directory.EnumerateFileSystemEntries(reps).Any()) Directory.Delete(reps);
                File.Delete(manifestPath);
                if (ownVocab) File.Delete(vocabPath);
                if (ownTokenizer) File.Delete(tokenizerPath);
                if (createdDir && !Directory.EnumerateFileSystemEntries(outDir).Any()) Directory.Delete(outDir);
            }
            catch (IOException) { }
            throw;
        }
    }

    /// <summary>The files and folders a bootstrap folder holds; any other entry means --out names some other folder (a
    /// model folder, whose vocab.txt the bootstrap would replace).</summary>
    static readonly string[] OwnEntries = [ManifestFile, "vocab.txt", Path.GetFileName(Vocabulary.TokenizerFile("vocab.txt")), ReplicateFolder, ".work"];

    static void CheckOutputFolder(string outDir)
    {
        if (File.Exists(outDir)) throw new GloVeVException($"{outDir}: is a file; the bootstrap writes a folder");
        if (!Directory.Exists(outDir)) return;
        // A folder with a bootstrap record is a bootstrap folder (to resume), whatever else the user put in it.
        if (File.Exists(Path.Combine(outDir, ManifestFile))) return;
        // glovev's own temporaries (another shard writing the record, a killed run's) are not foreign.
        var foreign = Directory.EnumerateFileSystemEntries(outDir).Select(Path.GetFileName).FirstOrDefault(n => !OwnEntries.Contains(n) && !AtomicDirectory.IsOwnHidden(n!));
        if (foreign != null)
            throw new GloVeVException($"{outDir}: holds {foreign}, which a bootstrap folder does not (the bootstrap writes vocab.txt, {ManifestFile} and {ReplicateFolder}/ there); name a new or empty folder, or a bootstrap folder to resume");
        if (Directory.EnumerateFiles(outDir, "*", SearchOption.AllDirectories).Any(f => Path.GetRelativePath(outDir, f).Contains(Path.DirectorySeparatorChar)))
            throw new GloVeVException($"{outDir}: holds bootstrap files but no {ManifestFile} recording their settings; name a new or empty folder");
    }

    static bool AnyReplicate(string outDir)
    {
        var reps = Path.Combine(outDir, ReplicateFolder);
        return Directory.Exists(reps) && Directory.EnumerateFiles(reps, "*.safetensors").Any();
    }

    /// <summary>A field of a bootstrap folder's record, or a clear error when the record is damaged.</summary>
    public static string ReadManifest(string dir, string field)
    {
        var path = Path.Combine(dir, ManifestFile);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String)
                return v.GetString()!;
            throw new GloVeVException($"{path}: not a bootstrap record (no \"{field}\" text); the folder is damaged: name a new folder, or delete it and run the bootstrap again");
        }
        catch (JsonException e)
        {
            throw new GloVeVException($"{path}: not valid JSON ({e.Message}); the folder is damaged: name a new folder, or delete it and run the bootstrap again");
        }
    }

    static BootstrapResult RunReplicates(string corpus, string outDir, BootstrapOptions o, Vocabulary vocab, string vocabPath, string work,
        System.Diagnostics.Stopwatch sw, Action<string, double>? progress, CancellationToken cancel)
    {
        Directory.CreateDirectory(Path.Combine(outDir, ReplicateFolder));

        var jobs = new List<(bool SeedOnly, int R)>();
        for (int r = 1; r <= o.Replicates; r++) jobs.Add((false, r));
        for (int r = 1; r <= o.SeedReplicates; r++) jobs.Add((true, r));
        var mine = jobs.Where((_, j) => o.Shards == 0 || j % o.Shards == o.Shard - 1).ToList();
        int trained = 0, already = 0, step = 0;
        var count = new CooccurrenceOptions { Window = o.Window, Tokenizer = o.Tokenizer, Threads = o.Training.Threads, MemoryBytes = o.MemoryBytes };
        foreach (var (seedOnly, r) in mine)
        {
            cancel.ThrowIfCancellationRequested();
            var dest = ReplicatePath(outDir, seedOnly, r);
            string label = $"{(seedOnly ? "seed" : "bootstrap")} replicate {r}/{(seedOnly ? o.SeedReplicates : o.Replicates)}";
            step++;
            if (File.Exists(dest)) { already++; continue; }
            progress?.Invoke(label, (step - 1.0) / mine.Count);
            string coocDir;
            var dir = Path.Combine(work, $"{(seedOnly ? "seed" : "boot")}_{r:D4}");
            if (Directory.Exists(dir)) Directory.Delete(dir, true); // a killed run's partial work
            Directory.CreateDirectory(dir);
            long lines = 0;
            if (seedOnly)
            {
                // Per shard: shards running at once on shared storage never write the same folder.
                coocDir = Path.Combine(work, o.Shards == 0 ? "original" : $"original-{o.Shard}-of-{o.Shards}", "cooccur");
                if (!File.Exists(Path.Combine(coocDir, CsrMatrix.FileName)))
                    CooccurrenceCounter.Count(corpus, vocab, coocDir, count);
            }
            else
            {
                var resampled = Path.Combine(dir, "corpus.txt");
                lines = Resample(corpus, resampled, SplitMix64.Derive(o.Seed, (ulong)r), cancel);
                coocDir = Path.Combine(dir, "cooccur");
                CooccurrenceCounter.Count(resampled, vocab, coocDir, count);
                File.Delete(resampled);
            }
            var modelDir = Path.Combine(dir, "model");
            var to = o.Training with { Seed = o.Training.Seed + (ulong)(seedOnly ? 1000 + r : r), CheckpointEvery = 0 };
            var tr = ModelTraining.Train(coocDir, vocabPath, modelDir, to, cancel: cancel);
            var p = GloVeParameters.Load(Path.Combine(modelDir, GloVeParameters.ParamsFile));
            p.Metadata["bootstrap_kind"] = seedOnly ? "seed" : "documents";
            p.Metadata["bootstrap_replicate"] = r.ToString(CultureInfo.InvariantCulture);
            p.Metadata["bootstrap_lines"] = lines.ToString(CultureInfo.InvariantCulture);
            p.Metadata["vocab_hash"] = vocab.Hash();
            p.SaveVectors(dest); // atomic: the replicate exists complete or not at all
            Directory.Delete(dir, true);
            trained++;
        }
        // Seed-only replicates share the original counts; drop them once every replicate is there.
        if (jobs.All(j => File.Exists(ReplicatePath(outDir, j.SeedOnly, j.R))) && Directory.Exists(work)) Directory.Delete(work, true);
        progress?.Invoke("done", 1);
        return new BootstrapResult(outDir, o.Replicates, o.SeedReplicates, trained, already, sw.Elapsed.TotalSeconds);
    }

    /// <summary>What must match for a rerun to resume (the replicate counts may grow).</summary>
    static string Settings(string corpus, BootstrapOptions o)
    {
        var inv = CultureInfo.InvariantCulture;
        var t = o.Training;
        var fi = new FileInfo(corpus);
        return string.Join("; ",
            $"corpus {Path.GetFullPath(corpus)} ({fi.Length} bytes)",
            $"vocab {(o.VocabPath is null ? $"built, min-count {o.MinCount ?? BootstrapOptions.DefaultMinCount}" : Path.GetFullPath(o.VocabPath))}",
            $"lowercase {o.Tokenizer.Lowercase}, split punctuation {o.Tokenizer.SplitPunctuation}",
            $"window {o.Window}", $"dim {t.Dim}", $"epochs {t.Epochs}", $"als sweeps {t.AlsSweeps}",
            $"ridge {(t.RidgeAuto ? "auto" : t.Ridge.ToString("R", inv))}", $"x_max {t.XMax.ToString("R", inv)}", $"alpha {t.Alpha.ToString("R", inv)}",
            $"eta {t.Eta.ToString("R", inv)}", $"seed {o.Seed}, training seed {t.Seed}");
    }

    static string Manifest(string settings, Vocabulary vocab, BootstrapOptions o)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", "glovev-bootstrap-1");
            w.WriteString("settings", settings);
            w.WriteString("vocab_hash", vocab.Hash());
            w.WriteNumber("vocab_size", vocab.Count);
            w.WriteNumber("dim", o.Training.Dim);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Writes n lines drawn with replacement from the corpus's n lines (each line kept in place, repeated as often
    /// as it was drawn; lines are documents, so their order does not change the counts). Two streaming passes, memory O(n).</summary>
    public static long Resample(string corpus, string dest, ulong seed, CancellationToken cancel = default)
    {
        long n = 0;
        ForEachLine(corpus, _ => n++, cancel);
        if (n == 0) throw new GloVeVException($"{corpus}: the corpus has no lines to resample");
        if (n > int.MaxValue) throw new GloVeVException($"{corpus}: more than {int.MaxValue} lines; the bootstrap supports fewer");
        var times = new int[n];
        var rng = new SplitMix64(seed);
        for (long t = 0; t < n; t++)
        {
            long pick = (long)(rng.NextDouble() * n);
            times[Math.Min(pick, n - 1)]++;
        }
        using var f = new AtomicFile(dest);
        var bs = f.Stream; // buffered by AtomicFile
        long line = 0;
        ForEachLine(corpus, bytes =>
        {
            for (int k = times[line]; k > 0; k--) { bs.Write(bytes); bs.WriteByte((byte)'\n'); }
            line++;
        }, cancel);
        f.Commit();
        return n;
    }

    delegate void LineVisitor(ReadOnlySpan<byte> line);

    static void ForEachLine(string path, LineVisitor visit, CancellationToken cancel)
    {
        // The same opening as every corpus reader: gzip checked member by member, a leading byte-order mark skipped.
        using Stream s = CorpusFile.Open(path, out _);
        var buf = new byte[1 << 20];
        var pending = new MemoryStream();
        int read;
        long blocks = 0;
        while ((read = s.Read(buf, 0, buf.Length)) > 0)
        {
            if ((++blocks & 63) == 0) cancel.ThrowIfCancellationRequested();
            int start = 0;
            while (true)
            {
                int nl = Array.IndexOf(buf, (byte)'\n', start, read - start);
                if (nl < 0) { pending.Write(buf, start, read - start); break; }
                if (pending.Length > 0)
                {
                    pending.Write(buf, start, nl - start);
                    visit(pending.GetBuffer().AsSpan(0, (int)pending.Length));
                    pending.SetLength(0);
                }
                else visit(buf.AsSpan(start, nl - start));
                start = nl + 1;
            }
        }
        if (pending.Length > 0) visit(pending.GetBuffer().AsSpan(0, (int)pending.Length));
    }
}
