using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GloVeV.Cooccurrence;
using GloVeV.IO;
using GloVeV.Native;
using GloVeV.Text;
using GloVeV.Training;
using GloVeV.Variance;
using static GloVeV.NativeExports.Marshalling;

namespace GloVeV.NativeExports;

/// <summary>Library facts and the pipeline stages (vocabulary, co-occurrence, training, variances).</summary>
static unsafe class PipelineExports
{
    const int FlagLowercase = 1, FlagSplitPunct = 2, FlagReplaceInvalid = 4;
    static byte* _version;

    /// <summary>A field documented as 1 or 0: anything else is refused rather than read as "non-zero".</summary>
    static bool Bool01(int v, string name) => v switch { 0 => false, 1 => true, _ => throw new AbiException(Status.Argument, $"{name} must be 1 or 0, got {v}") };

    [UnmanagedCallersOnly(EntryPoint = "gv_version")]
    public static byte* Version()
    {
        if (_version == null)
        {
            var s = System.Text.Encoding.UTF8.GetBytes(VersionInfo.Version + "\0");
            var p = (byte*)NativeMemory.Alloc((nuint)s.Length);
            s.CopyTo(new Span<byte>(p, s.Length));
            _version = p;
        }
        return _version;
    }

    [UnmanagedCallersOnly(EntryPoint = "gv_abi_version")]
    public static int AbiVersion(int* major, int* minor, int* patch, int* abiMajor) => Guard.Run(() =>
    {
        if (major != null) *major = VersionInfo.Major;
        if (minor != null) *minor = VersionInfo.Minor;
        if (patch != null) *patch = VersionInfo.Patch;
        if (abiMajor != null) *abiMajor = VersionInfo.AbiMajor;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_last_error")]
    public static byte* LastErrorMessage() => LastError.Pointer;

    [UnmanagedCallersOnly(EntryPoint = "gv_blas_backend")]
    public static int Backend(byte* buf, long cap, long* needed) => Guard.Run(() =>
        CopyString($"{BlasBackend.Current}; simd {Simd.Level}; {VersionInfo.InstructionSet}", buf, cap, needed));

    [UnmanagedCallersOnly(EntryPoint = "gv_spd_inverse")]
    public static int SpdInverse(double* a, long n, double* result, long resultLen) => Guard.Run(() =>
    {
        NotNull(a, "a");
        if (n <= 0 || n > 46_340) throw new AbiException(Status.Argument, $"n must be in 1..46340, got {n}");
        var dst = Out(result, resultLen, n * n, "out");
        var inv = DenseLinearAlgebra.InverseSpd(new ReadOnlySpan<double>(a, checked((int)(n * n))).ToArray(), (int)n);
        inv.CopyTo(dst);
        return Status.Ok;
    });

    static TokenizerOptions Tok(int flags)
    {
        if ((flags & ~7) != 0) throw new AbiException(Status.Argument, $"unknown tokenizer flags 0x{flags:x}");
        return new TokenizerOptions { Lowercase = (flags & FlagLowercase) != 0, SplitPunctuation = (flags & FlagSplitPunct) != 0, ReplaceInvalidUtf8 = (flags & FlagReplaceInvalid) != 0 };
    }

    static int Threads(int t) => t <= 0 ? Environment.ProcessorCount : t;

    [UnmanagedCallersOnly(EntryPoint = "gv_vocab_options_default")]
    public static int VocabDefaults(VocabOptionsC* o) => Guard.Run(() => FillDefaults(o, VocabDefaultsC()));

    static VocabOptionsC VocabDefaultsC()
    {
        var d = new VocabularyOptions();
        return new VocabOptionsC { Size = sizeof(VocabOptionsC), Flags = 0, Threads = 0, Reserved = 0, MinCount = d.MinCount, MaxVocab = d.MaxVocab };
    }

    [UnmanagedCallersOnly(EntryPoint = "gv_vocab_build")]
    public static int VocabBuild(byte* corpus, byte* outPath, VocabOptionsC* opts, long* vocabSize) => Guard.Run(() =>
    {
        var c = Options(opts, VocabDefaultsC(), "gv_vocab_options");
        if (c.Reserved != 0) throw new AbiException(Status.Argument, "gv_vocab_options.reserved must be 0");
        if (c.MaxVocab < 0 || c.MaxVocab > int.MaxValue) throw new AbiException(Status.Argument, $"max_vocab must be in 0..{int.MaxValue}, got {c.MaxVocab}");
        if (c.MinCount < 1) throw new AbiException(Status.Argument, $"min_count must be >= 1, got {c.MinCount}");
        OutputPaths.RefuseInput(Str(outPath, "out_path"), Str(corpus, "corpus"), "corpus");
        Vocabulary.CheckSavePath(Str(outPath, "out_path"));
        OutputPaths.RefuseInput(Vocabulary.TokenizerFile(Str(outPath, "out_path")), Str(corpus, "corpus"), "corpus");
        var r = VocabularyBuilder.Build(Str(corpus, "corpus"), new VocabularyOptions { MinCount = c.MinCount, MaxVocab = (int)c.MaxVocab, Tokenizer = Tok(c.Flags), Threads = Threads(c.Threads) });
        r.Vocabulary.Save(Str(outPath, "out_path"));
        if (vocabSize != null) *vocabSize = r.Vocabulary.Count;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_cooccur_options_default")]
    public static int CooccurDefaults(CooccurOptionsC* o) => Guard.Run(() => FillDefaults(o, CooccurDefaultsC()));

    static CooccurOptionsC CooccurDefaultsC()
    {
        var d = new CooccurrenceOptions();
        return new CooccurOptionsC
        {
            Size = sizeof(CooccurOptionsC), Window = d.Window, Symmetric = d.Symmetric ? 1 : 0, DistanceWeighting = d.DistanceWeighting ? 1 : 0,
            Flags = 0, Threads = 0, MemoryBytes = d.MemoryBytes,
        };
    }

    /// <summary>The core's co-occurrence options from a gv_cooccur_options (NULL: the defaults), validated.</summary>
    static CooccurrenceOptions CooccurOptionsOf(CooccurOptionsC* opts)
    {
        var c = Options(opts, CooccurDefaultsC(), "gv_cooccur_options");
        var o = new CooccurrenceOptions
        {
            Window = c.Window, Symmetric = Bool01(c.Symmetric, "symmetric"), DistanceWeighting = Bool01(c.DistanceWeighting, "distance_weighting"),
            MemoryBytes = c.MemoryBytes <= 0 ? new CooccurrenceOptions().MemoryBytes : c.MemoryBytes, Threads = Threads(c.Threads), Tokenizer = Tok(c.Flags),
        };
        try { o.Validate(); } catch (GloVeVException e) { throw new AbiException(Status.Argument, e.Message); }
        return o;
    }

    [UnmanagedCallersOnly(EntryPoint = "gv_cooccur")]
    public static int Cooccur(byte* corpus, byte* vocabPath, byte* outDir, CooccurOptionsC* opts, long* nnz) => Guard.Run(() =>
    {
        var o = CooccurOptionsOf(opts);
        var v = Vocabulary.Load(Str(vocabPath, "vocab_path"));
        var r = CooccurrenceCounter.Count(Str(corpus, "corpus"), v, Str(outDir, "out_dir"), o);
        if (nnz != null) *nnz = r.NonZeros;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_cooccur_shard")]
    public static int CooccurShard(byte* corpus, byte* vocabPath, byte* partDir, CooccurOptionsC* opts, int shard, int shards, long* pairs) => Guard.Run(() =>
    {
        var o = CooccurOptionsOf(opts);
        var v = Vocabulary.Load(Str(vocabPath, "vocab_path"));
        long n = CooccurrenceCounter.CountShard(Str(corpus, "corpus"), v, Str(partDir, "part_dir"), o, shard, shards);
        if (pairs != null) *pairs = n;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_merge_cooccur")]
    public static int MergeCooccur(byte* outDir, byte* vocabPath, byte** parts, long n, long* nnz) => Guard.Run(() =>
    {
        var r = CooccurrenceCounter.MergeShards(StrArray(parts, n, "parts"), Vocabulary.Load(Str(vocabPath, "vocab_path")), Str(outDir, "out_dir"));
        if (nnz != null) *nnz = r.NonZeros;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_variance_options_default")]
    public static int VarianceDefaults(VarianceOptionsC* o) => Guard.Run(() => FillDefaults(o, VarianceDefaultsC()));

    static VarianceOptionsC VarianceDefaultsC()
    {
        var d = new VarianceOptions();
        return new VarianceOptionsC { Size = sizeof(VarianceOptionsC), Threads = 0, Complete = d.Complete ? 1 : 0, Refine = d.Refine ? 1 : 0, Approx = d.ApproxTarget };
    }

    static VarianceOptions VarianceOptionsOf(VarianceOptionsC* opts, int shard = 0, int shards = 0)
    {
        var c = Options(opts, VarianceDefaultsC(), "gv_variance_options");
        if (!(c.Approx >= 0 && c.Approx <= 1)) throw new AbiException(Status.Argument, $"approx must be in [0, 1] (0 = no compact form), got {c.Approx}");
        return new VarianceOptions { Threads = Threads(c.Threads), ApproxTarget = c.Approx, Complete = Bool01(c.Complete, "complete"), Refine = Bool01(c.Refine, "refine"), Shard = shard, Shards = shards };
    }

    [UnmanagedCallersOnly(EntryPoint = "gv_variance_shard")]
    public static int VarianceShard(byte* modelDir, byte* cooccurDir, byte* outDir, VarianceOptionsC* opts, int shard, int shards, long* wordsDone) => Guard.Run(() =>
    {
        var s = VarianceEngine.Run(Str(modelDir, "model_dir"), Str(cooccurDir, "cooccur_dir"), Str(outDir, "out_dir"), VarianceOptionsOf(opts, shard, shards));
        if (wordsDone != null) *wordsDone = s.WordsWithVariance;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_merge_variances")]
    public static int MergeVariances(byte* outDir, byte** parts, long n, long* words) => Guard.Run(() =>
    {
        int w = VarianceMerge.Merge(StrArray(parts, n, "parts"), Str(outDir, "out_dir"));
        if (words != null) *words = w;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_train_options_default")]
    public static int TrainDefaults(TrainOptions* o) => Guard.Run(() => FillDefaults(o, DefaultTrainOptions()));

    static TrainOptions DefaultTrainOptions()
    {
        var d = new TrainingOptions();
        return new TrainOptions
        {
            Size = sizeof(TrainOptions), Dim = d.Dim, Epochs = d.Epochs, Threads = 0, CheckpointEvery = 0, Eta = d.Eta, XMax = d.XMax, Alpha = d.Alpha,
            GradClip = d.GradClip, BiasEta = 0, Seed = d.Seed, Resume = 0, EpochsAuto = 0, AlsSweeps = d.AlsSweeps,
            AlsTol = d.AlsTolerance, Ridge = d.Ridge, AutoTol = TrainingOptions.AutoStopRule.DefaultTolerance,
            AutoCos = TrainingOptions.AutoStopRule.DefaultCosine, InitFrom = null,
        };
    }

    [UnmanagedCallersOnly(EntryPoint = "gv_train_options_run_default")]
    public static int TrainRunDefaults(TrainOptions* o) => Guard.Run(() =>
    {
        NotNull(o, "options");
        *o = DefaultTrainOptions();
        o->Dim = TrainingOptions.RunSchedule.Dim; o->Epochs = TrainingOptions.RunSchedule.Epochs;
        o->AlsSweeps = TrainingOptions.RunSchedule.AlsSweeps; o->Ridge = TrainingOptions.RunSchedule.Ridge;
        return Status.Ok;
    });

    /// <summary>The core's training options from a gv_train_options (validated; GV_ERR_ARGUMENT when invalid).</summary>
    internal static TrainingOptions TrainingOptionsOf(TrainOptions* opts)
    {
        var t = Options(opts, default, "gv_train_options");
        var o = new TrainingOptions
        {
            Dim = t.Dim, Epochs = t.Epochs, Threads = Threads(t.Threads), CheckpointEvery = t.CheckpointEvery, Eta = t.Eta, XMax = t.XMax,
            Alpha = t.Alpha, GradClip = t.GradClip, BiasEta = double.IsNaN(t.BiasEta) ? throw new AbiException(Status.Argument, "bias_eta must be a number (0: GloVe C's bias update), got NaN") : t.BiasEta > 0 ? t.BiasEta : null, Seed = t.Seed,
            AlsSweeps = t.AlsSweeps, AlsTolerance = t.AlsTol, Ridge = t.Ridge,
            AutoStop = t.EpochsAuto != 0 ? new TrainingOptions.AutoStopRule(t.AutoTol, t.AutoCos) : null,
            InitFrom = t.InitFrom == null ? null : Str(t.InitFrom, "init_from"),
        };
        // The rule's settings without the rule would be ignored (a value other than the default was given).
        if (t.EpochsAuto == 0 && (t.AutoTol != TrainingOptions.AutoStopRule.DefaultTolerance || t.AutoCos != TrainingOptions.AutoStopRule.DefaultCosine))
            throw new AbiException(Status.Argument, "auto_tol and auto_cos are the epochs_auto rule's: set epochs_auto too, or leave them at their defaults");
        try { o.Validate(); } catch (GloVeVException e) { throw new AbiException(Status.Argument, e.Message); }
        return o;
    }

    [UnmanagedCallersOnly(EntryPoint = "gv_train")]
    public static int Train(byte* cooccurDir, byte* vocabPath, byte* outDir, TrainOptions* opts,
        delegate* unmanaged<int, int, double, void*, int> progress, void* user, int* cancelFlag, double* finalCost) => Guard.Run(() =>
    {
        NotNull(opts, "options");
        var o = TrainingOptionsOf(opts); // checks the size before anything else is read
        var t = *opts;
        using var cts = new CancellationTokenSource();
        // The caller may raise *cancel_flag from another thread at any time; poll it.
        using var poll = cancelFlag == null ? null : new Timer(_ => { if (Volatile.Read(ref *cancelFlag) != 0) cts.Cancel(); }, null, 0, 50);
        var r = ModelTraining.Train(Str(cooccurDir, "cooccur_dir"), Str(vocabPath, "vocab_path"), Str(outDir, "out_dir"), o, t.Resume != 0,
            e =>
            {
                if (progress != null && progress(e.Epoch, e.Epochs, e.Cost, user) != 0) cts.Cancel();
                cts.Token.ThrowIfCancellationRequested();
            }, cts.Token, onSweep: s =>
            {
                if (progress != null && progress(-s.Sweep, -s.Sweeps, s.Cost, user) != 0) cts.Cancel();
            });
        if (finalCost != null) *finalCost = r.Sweeps is { Count: > 0 } sw ? sw[^1].Cost : r.Epochs.Count > 0 ? r.Epochs[^1].Cost : double.NaN;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_variance")]
    public static int ComputeVariances(byte* modelDir, byte* cooccurDir, byte* outDir, VarianceOptionsC* opts, long* wordsDone) => Guard.Run(() =>
    {
        var s = VarianceEngine.Run(Str(modelDir, "model_dir"), Str(cooccurDir, "cooccur_dir"), OptStr(outDir, "out_dir"), VarianceOptionsOf(opts));
        if (wordsDone != null) *wordsDone = s.WordsWithVariance;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_import_vectors")]
    public static int ImportVectors(byte* path, int format, byte* outDir, long* words) => Guard.Run(() =>
    {
        var f = VectorFormatOf(format);
        int n = VectorFiles.Import(Str(path, "path"), f, Str(outDir, "out_dir"));
        if (words != null) *words = n;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_export_vectors")]
    public static int ExportVectors(byte* modelDir, int format, byte* path, long* words) => Guard.Run(() =>
    {
        var f = VectorFormatOf(format);
        OutputPaths.RefuseInputFolderFile(Str(path, "path"), Str(modelDir, "model_dir"), "model folder's file");
        int n = VectorFiles.Export(Str(modelDir, "model_dir"), f, Str(path, "path"));
        if (words != null) *words = n;
        return Status.Ok;
    });

    static VectorFormat VectorFormatOf(int format)
    {
        try { return VectorFiles.Of(format); }
        catch (GloVeVException e) { throw new AbiException(Status.Argument, e.Message); }
    }

    [UnmanagedCallersOnly(EntryPoint = "gv_matrix_open")]
    public static int MatrixOpen(byte* cooccurDir, byte* vocabPath, nint* handle) => Guard.Run(() =>
    {
        NotNull(handle, "out");
        *handle = 0;
        var v = Vocabulary.Load(Str(vocabPath, "vocab_path"));
        *handle = Handles.Add(CsrMatrix.OpenDirectory(Str(cooccurDir, "cooccur_dir"), v, Str(vocabPath, "vocab_path")));
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_matrix_free")]
    public static int MatrixFree(nint h) => Guard.Run(() => { Handles.Free<CsrMatrix>(h, "matrix"); return Status.Ok; });

    [UnmanagedCallersOnly(EntryPoint = "gv_matrix_shape")]
    public static int MatrixShape(nint h, long* rows, long* nnz) => Guard.Run(() =>
    {
        var m = Handles.Get<CsrMatrix>(h, "matrix");
        if (rows != null) *rows = m.Rows;
        if (nnz != null) *nnz = m.NonZeros;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_matrix_row")]
    public static int MatrixRow(nint h, long row, int* cols, double* vals, long cap, long* len) => Guard.Run(() =>
    {
        var m = Handles.Get<CsrMatrix>(h, "matrix");
        NotNull(len, "len");
        if (row < 0 || row >= m.Rows) throw new AbiException(Status.Argument, $"row {row} out of range 0..{m.Rows - 1}");
        m.CheckUnchanged();
        int n = m.RowLength((int)row);
        *len = n;
        if (cols == null && vals == null && cap == 0) return Status.Ok; // size query
        // Both buffers are checked before either is written: an error call writes nothing.
        var colsOut = Out(cols, cap, n, "cols");
        var valsOut = Out(vals, cap, n, "vals");
        m.RowIndices((int)row).CopyTo(colsOut);
        m.RowValues((int)row).CopyTo(valsOut);
        return Status.Ok;
    });
}
