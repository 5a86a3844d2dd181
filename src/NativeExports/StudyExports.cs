using System.Runtime.InteropServices;
using GloVeV.Evaluation;
using GloVeV.Inference;
using GloVeV.IO;
using GloVeV.Text;
using GloVeV.Training;
using static GloVeV.NativeExports.Marshalling;

namespace GloVeV.NativeExports;

// Layouts mirror include/glovev.h exactly; keep them in sync.

[StructLayout(LayoutKind.Sequential)]
unsafe struct CalibrateOptionsC
{
    public int Size, WordsPerBand, Replicates, Samples, Threads, Methods;
    public ulong Seed;
    public double Level;
    public long* BandEdges;
    public long BandEdgeCount;
}

[StructLayout(LayoutKind.Sequential)]
unsafe struct BootstrapOptionsC
{
    public int Size, Replicates, SeedReplicates, Window, Flags, Shard, Shards, Reserved;
    public long MinCount, MemoryBytes;
    public ulong Seed;
    public byte* VocabPath;
}

[StructLayout(LayoutKind.Sequential)]
unsafe struct CompareUncertaintyOptionsC
{
    public int Size, PairsPerBand;
    public ulong Seed;
    public long* BandEdges;
    public long BandEdgeCount;
}

/// <summary>The checks of one's own corpus: calibrate, the document bootstrap, and their comparison (glovev.h, "studies").</summary>
static unsafe class StudyExports
{
    static int[] Edges(long* p, long n, int[] fallback)
    {
        if (n < 0 || n > 1000) throw new AbiException(Status.Argument, $"n_band_edges must be in 0..1000, got {n}");
        if (n == 0) return fallback;
        NotNull(p, "band_edges");
        var e = new int[n];
        for (long k = 0; k < n; k++)
        {
            if (p[k] < 1 || p[k] > int.MaxValue) throw new AbiException(Status.Argument, $"band_edges[{k}] = {p[k]} is not a rank in 1..{int.MaxValue}");
            e[k] = (int)p[k];
        }
        return e;
    }

    [UnmanagedCallersOnly(EntryPoint = "gv_calibrate_options_default")]
    public static int CalibrateDefaults(CalibrateOptionsC* o) => Guard.Run(() => FillDefaults(o, CalibrateDefaultsC()));

    static CalibrateOptionsC CalibrateDefaultsC()
    {
        var d = new CalibrationOptions();
        return new CalibrateOptionsC
        {
            Size = sizeof(CalibrateOptionsC), WordsPerBand = d.WordsPerBand, Replicates = d.Replicates, Samples = 0, Threads = 0,
            Methods = 0, Seed = d.Seed, Level = d.Level, BandEdges = null, BandEdgeCount = 0,
        };
    }

    [UnmanagedCallersOnly(EntryPoint = "gv_calibrate")]
    public static int Calibrate(byte* modelDir, byte* cooccurDir, CalibrateOptionsC* opts, byte* tablePath) => Guard.Run(() =>
    {
        var c = Options(opts, CalibrateDefaultsC(), "gv_calibrate_options");
        var d = new CalibrationOptions();
        int known = Enum.GetValues<IntervalMethod>().Aggregate(0, (acc, m) => acc | 1 << QueryExports.Code(m));
        if ((c.Methods & ~known) != 0) throw new AbiException(Status.Argument, $"methods: unknown bits 0x{c.Methods & ~known:x} (use 1 << GV_METHOD_*)");
        var methods = c.Methods == 0 ? d.Methods
            : d.Methods.Where(m => (c.Methods & (1 << QueryExports.Code(m))) != 0).ToArray();
        var o = new CalibrationOptions
        {
            BandEdges = Edges(c.BandEdges, c.BandEdgeCount, d.BandEdges), WordsPerBand = c.WordsPerBand, Replicates = c.Replicates, Methods = methods,
            Samples = c.Samples == 0 ? null : c.Samples, Seed = c.Seed, Level = c.Level, Threads = c.Threads <= 0 ? Environment.ProcessorCount : c.Threads,
        };
        var table = Str(tablePath, "table_path");
        string model = Str(modelDir, "model_dir"), cooc = Str(cooccurDir, "cooccur_dir");
        // Before any work, as the CLI: a table written over the files the study reads would break them.
        OutputPaths.CheckNewOutput(table, "table_path", [model, Cooccurrence.CsrMatrix.FolderOf(cooc)]);
        var rows = CorpusCalibration.Run(model, cooc, o);
        AtomicFile.WriteAllText(table, CorpusCalibration.Tsv(rows));
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_bootstrap_options_default")]
    public static int BootstrapDefaults(BootstrapOptionsC* o) => Guard.Run(() => FillDefaults(o, BootstrapDefaultsC()));

    static BootstrapOptionsC BootstrapDefaultsC()
    {
        var d = new BootstrapOptions();
        return new BootstrapOptionsC
        {
            Size = sizeof(BootstrapOptionsC), Replicates = d.Replicates, SeedReplicates = d.SeedReplicates, Window = d.Window,
            Flags = (d.Tokenizer.Lowercase ? 1 : 0) | (d.Tokenizer.SplitPunctuation ? 2 : 0), Shard = 0, Shards = 0, Reserved = 0,
            MinCount = 0, MemoryBytes = d.MemoryBytes, Seed = d.Seed, VocabPath = null,
        };
    }

    [UnmanagedCallersOnly(EntryPoint = "gv_bootstrap")]
    public static int Bootstrap(byte* corpus, byte* outDir, BootstrapOptionsC* opts, TrainOptions* train, int* trained) => Guard.Run(() =>
    {
        NotNull(train, "train");
        var b = Options(opts, BootstrapDefaultsC(), "gv_bootstrap_options");
        if (b.Reserved != 0) throw new AbiException(Status.Argument, "options.reserved must be 0");
        if ((b.Flags & ~7) != 0) throw new AbiException(Status.Argument, $"unknown tokenizer flags 0x{b.Flags:x}");
        var training = PipelineExports.TrainingOptionsOf(train); // checks train's size before its fields are read
        if (train->Resume != 0) throw new AbiException(Status.Argument, "train.resume: bootstrap replicates are not resumed from checkpoints (a rerun continues at the next missing replicate); leave it 0");
        var o = new BootstrapOptions
        {
            Replicates = b.Replicates, SeedReplicates = b.SeedReplicates, Window = b.Window, MinCount = b.MinCount == 0 ? null : b.MinCount,
            MemoryBytes = b.MemoryBytes <= 0 ? new BootstrapOptions().MemoryBytes : b.MemoryBytes, Seed = b.Seed, Shard = b.Shard, Shards = b.Shards,
            VocabPath = OptStr(b.VocabPath, "vocab_path"),
            Tokenizer = new TokenizerOptions { Lowercase = (b.Flags & 1) != 0, SplitPunctuation = (b.Flags & 2) != 0, ReplaceInvalidUtf8 = (b.Flags & 4) != 0 },
            Training = training,
        };
        var r = DocumentBootstrap.Run(Str(corpus, "corpus"), Str(outDir, "out_dir"), o);
        if (trained != null) *trained = r.Trained;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_compare_uncertainty_options_default")]
    public static int CompareDefaults(CompareUncertaintyOptionsC* o) => Guard.Run(() => FillDefaults(o, CompareDefaultsC()));

    static CompareUncertaintyOptionsC CompareDefaultsC()
    {
        var d = new UncertaintyComparisonOptions();
        return new CompareUncertaintyOptionsC { Size = sizeof(CompareUncertaintyOptionsC), PairsPerBand = d.PairsPerBand, Seed = d.Seed, BandEdges = null, BandEdgeCount = 0 };
    }

    [UnmanagedCallersOnly(EntryPoint = "gv_compare_uncertainty")]
    public static int CompareUncertainty(byte* modelDir, byte* bootstrapDir, CompareUncertaintyOptionsC* opts, byte* bandsPath, byte* pairsPath) => Guard.Run(() =>
    {
        var c = Options(opts, CompareDefaultsC(), "gv_compare_uncertainty_options");
        var d = new UncertaintyComparisonOptions();
        var o = new UncertaintyComparisonOptions { BandEdges = Edges(c.BandEdges, c.BandEdgeCount, d.BandEdges), PairsPerBand = c.PairsPerBand, Seed = c.Seed };
        var bands = Str(bandsPath, "bands_path");
        var pairs = OptStr(pairsPath, "pairs");
        string model = Str(modelDir, "model_dir"), boot = Str(bootstrapDir, "bootstrap_dir");
        OutputPaths.CheckNewOutput(bands, "bands_path", [model, boot]);
        if (pairs != null) OutputPaths.CheckNewOutput(pairs, "pairs_path", [model, boot]);
        OutputPaths.CheckDistinctOutputs((bands, "bands_path"), (pairs, "pairs_path"));
        var r = UncertaintyComparison.Run(model, boot, o);
        AtomicFile.WriteAllText(bands, UncertaintyComparison.BandsTsv(r.Bands));
        if (pairs != null) AtomicFile.WriteAllText(pairs, UncertaintyComparison.PairsTsv(r.Pairs));
        return Status.Ok;
    });
}
