using System.Runtime.InteropServices;
using GloVeV.Evaluation;
using GloVeV.Inference;
using static GloVeV.NativeExports.Marshalling;

namespace GloVeV.NativeExports;

/// <summary>Opening a model and asking it uncertainty-aware questions.</summary>
static unsafe class QueryExports
{
    static GloVeModel Model(nint h) => Handles.Get<GloVeModel>(h, "model");

    /// <summary>The C code of a method (GV_METHOD_*): the core's value + 1, so that no method is 0 and a 0 field of
    /// gv_query_options means the default like every other 0 field.</summary>
    internal static int Code(IntervalMethod m) => (int)m + 1;

    static IntervalMethod Method(int m) => m switch
    {
        1 => IntervalMethod.Delta, 2 => IntervalMethod.Sample, 3 => IntervalMethod.Calibrated,
        _ => throw new AbiException(Status.Argument, $"method must be GV_METHOD_DELTA (1), GV_METHOD_SAMPLE (2) or GV_METHOD_CALIBRATED (3), got {m}"),
    };

    /// <summary>A method field of an options struct: 0 is the default.</summary>
    static IntervalMethod MethodOrDefault(int m) => m == 0 ? IntervalDefaults.Method : Method(m);

    static double Level(double l) => l > 0 && l < 1 ? l : throw new AbiException(Status.Argument, $"level must be in (0, 1), got {l}");

    static QueryOptionsC QueryDefaultsC() => new() { Size = sizeof(QueryOptionsC), Method = Code(IntervalDefaults.Method), Level = IntervalDefaults.Level };

    /// <summary>A query's settings, checked by the core: samples = 0 and seed = 0 mean "not given" (the defaults), level = 0 likewise.</summary>
    sealed record Query(IntervalMethod Method, int Samples, ulong Seed, double Level, bool HoldFixed, bool Approximate)
    {
        public Propagation Propagation(GloVeModel m) => new(m, Approximate, HoldFixed);
    }

    static Query Options(QueryOptionsC* opts, bool drawsAnyway = false)
    {
        var c = Marshalling.Options(opts, QueryDefaultsC(), "gv_query_options");
        var m = MethodOrDefault(c.Method);
        if (c.Samples < 0 || c.Samples > 10_000_000) throw new AbiException(Status.Argument, $"samples must be 0 (default) or in 2..10000000, got {c.Samples}");
        if (c.Level != 0) Level(c.Level);
        try
        {
            var (k, s, l) = IntervalDefaults.Resolve(drawsAnyway && m == IntervalMethod.Delta ? IntervalMethod.Sample : m,
                c.Samples == 0 ? null : (int)c.Samples, c.Seed == 0 ? null : c.Seed, c.Level == 0 ? null : c.Level);
            return new Query(m, k, s, l, c.HoldFixed != 0, c.Approximate != 0);
        }
        catch (GloVeVException e) { throw new AbiException(Status.Argument, e.Message); }
    }

    [UnmanagedCallersOnly(EntryPoint = "gv_query_options_default")]
    public static int QueryDefaults(QueryOptionsC* o) => Guard.Run(() => FillDefaults(o, QueryDefaultsC()));

    static BenchmarkOptionsC BenchmarkDefaultsC() => new() { Size = sizeof(BenchmarkOptionsC), HoldFixed = 0, Samples = 0, Seed = 0, Level = IntervalDefaults.Level };

    [UnmanagedCallersOnly(EntryPoint = "gv_benchmark_options_default")]
    public static int BenchmarkDefaults(BenchmarkOptionsC* o) => Guard.Run(() => FillDefaults(o, BenchmarkDefaultsC()));

    /// <summary>Samples, seed, level, hold_fixed and approximate of a benchmark (it draws: the method of composition with
    /// pair resampling).</summary>
    static (int Samples, ulong Seed, double Level, bool HoldFixed, bool Approximate) BenchmarkOptions(BenchmarkOptionsC* opts)
    {
        var c = Marshalling.Options(opts, BenchmarkDefaultsC(), "gv_benchmark_options");
        if (c.Reserved != 0) throw new AbiException(Status.Argument, $"gv_benchmark_options.reserved must be 0, got {c.Reserved}");
        var q = QueryDefaultsC();
        q.Method = Code(IntervalMethod.Sample); q.Samples = c.Samples; q.Seed = c.Seed; q.Level = c.Level;
        var o = Options(&q);
        return (o.Samples, o.Seed, o.Level, c.HoldFixed != 0, c.Approximate != 0);
    }

    static int Flags(Interval iv) => iv.Flags;

    static IntervalC ToC(Interval iv) => new()
    {
        Estimate = iv.Estimate, Plugin = iv.Plugin, Mean = iv.Mean, Sd = iv.Sd, Lo = iv.Lo, Hi = iv.Hi, PValue = iv.PValueZero,
        Method = Code(iv.Method), Status = (int)iv.Status, Flags = Flags(iv), Reason = (int)iv.ReasonCode,
    };

    [UnmanagedCallersOnly(EntryPoint = "gv_interval_defaults")]
    public static int Defaults(DefaultsC* result) => Guard.Run(() =>
    {
        NotNull(result, "out");
        *result = new DefaultsC
        {
            Method = Code(IntervalDefaults.Method), Samples = IntervalDefaults.Samples, Seed = IntervalDefaults.Seed, Level = IntervalDefaults.Level,
            Permutations = IntervalDefaults.Permutations, OmittedTolerance = NeighbourDefaults.Tolerance,
        };
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_method_name")]
    public static int MethodName(int method, byte* buf, long cap, long* needed) => Guard.Run(() => CopyString(Interval.MethodName(Method(method)), buf, cap, needed));

    [UnmanagedCallersOnly(EntryPoint = "gv_status_name")]
    public static int StatusName(int status, byte* buf, long cap, long* needed) => Guard.Run(() => CopyString(status switch
    {
        (int)IntervalStatus.Ok => Interval.StatusName(IntervalStatus.Ok),
        (int)IntervalStatus.NotIdentifiable => Interval.StatusName(IntervalStatus.NotIdentifiable),
        _ => throw new AbiException(Status.Argument, $"status must be GV_STATUS_OK (0) or GV_STATUS_NOT_IDENTIFIABLE (1), got {status}"),
    }, buf, cap, needed));

    [UnmanagedCallersOnly(EntryPoint = "gv_reason_name")]
    public static int ReasonName(int reason, byte* buf, long cap, long* needed) => Guard.Run(() => CopyString(
        Enum.IsDefined((IntervalReason)reason) ? Interval.ReasonName((IntervalReason)reason)
            : throw new AbiException(Status.Argument, $"reason must be a GV_REASON_* code (0..{(int)Enum.GetValues<IntervalReason>().Max()}), got {reason}"),
        buf, cap, needed));

    [UnmanagedCallersOnly(EntryPoint = "gv_method_parse")]
    public static int MethodParse(byte* name, int* method) => Guard.Run(() =>
    {
        NotNull(method, "out");
        try { *method = Code(Interval.ParseMethod(Str(name, "name"))); }
        catch (GloVeVException e) { throw new AbiException(Status.Argument, e.Message); }
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_word_reliability")]
    public static int WordReliabilityOf(nint h, byte* word, ReliabilityC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        var r = new Propagation(m).Reliability([m.IdOf(Str(word, "word"))])[0];
        *result = new ReliabilityC { Contexts = r.Contexts, Dof = r.Dof, NoiseRatio = r.NoiseRatio, CosTrainedWls = r.CosTrainedWls, HasCovariance = r.HasCovariance ? 1 : 0, Flags = r.Flags };
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_model_open")]
    public static int Open(byte* dir, nint* handle) => Guard.Run(() =>
    {
        NotNull(handle, "out");
        *handle = 0;
        *handle = Handles.Add(GloVeModel.Load(Str(dir, "dir")));
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_model_free")]
    public static int Free(nint h) => Guard.Run(() => { Handles.Free<GloVeModel>(h, "model"); return Status.Ok; });

    [UnmanagedCallersOnly(EntryPoint = "gv_model_shape")]
    public static int Shape(nint h, long* vocabSize, long* dim, int* hasVariances) => Guard.Run(() =>
    {
        var m = Model(h);
        if (vocabSize != null) *vocabSize = m.VocabSize;
        if (dim != null) *dim = m.Dim;
        if (hasVariances != null) *hasVariances = m.Variances != null ? 1 : 0;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_model_word")]
    public static int Word(nint h, long index, byte* buf, long cap, long* needed) => Guard.Run(() =>
    {
        var m = Model(h);
        if (index < 0 || index >= m.VocabSize) throw new AbiException(Status.Argument, $"index {index} out of range 0..{m.VocabSize - 1}");
        return CopyString(m.Vocabulary[(int)index], buf, cap, needed);
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_model_warnings")]
    public static int PremiseWarnings(nint h, byte* buf, long cap, long* needed) => Guard.Run(() =>
        CopyString(string.Join("\n", Model(h).PremiseWarnings), buf, cap, needed));

    [UnmanagedCallersOnly(EntryPoint = "gv_result_warnings")]
    public static int ResultWarnings(nint h, byte** words, long n, int flags, int approximate, byte* buf, long cap, long* needed) => Guard.Run(() =>
    {
        var m = Model(h);
        const int known = 1 | 2 | 4 | 8 | CalibrationLimits.Flag | CalibrationLimits.OmittedBoundFlag | CalibrationLimits.LeftOutAboveFlag;
        if ((flags & ~known) != 0) throw new AbiException(Status.Argument, $"flags: unknown bits 0x{flags & ~known:x} (use GV_FLAG_*)");
        var list = StrArray(words, n, "words");
        var ids = list.Where(w => m.Vocabulary.TryGetId(w, out _)).Select(m.IdOf).Distinct().ToArray();
        var rel = new Propagation(m, approximate != 0, holdFixed: true).Reliability(ids);
        return CopyString(string.Join("\n", CalibrationLimits.ResultWarnings(rel, flags)), buf, cap, needed);
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_not_identifiable_warning")]
    public static int NotIdentifiableWarning(byte* what, long bad, long total, byte** reasons, long n, byte* buf, long cap, long* needed) => Guard.Run(() =>
    {
        var w = Str(what, "what");
        return CopyString(CalibrationLimits.NotIdentifiableWarning(w, bad, total, StrArray(reasons, n, "reasons")), buf, cap, needed);
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_word_warnings")]
    public static int WordWarnings(nint h, byte** words, long n, byte* buf, long cap, long* needed) => Guard.Run(() =>
    {
        var m = Model(h);
        var list = StrArray(words, n, "words");
        var ids = list.Where(w => m.Vocabulary.TryGetId(w, out _)).Select(m.IdOf);
        return CopyString(string.Join("\n", CalibrationLimits.PlainWarnings(m, ids)), buf, cap, needed);
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_model_index")]
    public static int Index(nint h, byte* word, long* index) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(index, "index");
        *index = m.IdOf(Str(word, "word"));
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_model_vector")]
    public static int Vector(nint h, byte* word, double* result, long cap) => Guard.Run(() =>
    {
        var m = Model(h);
        var v = m.Vector(Str(word, "word"));
        v.CopyTo(Out(result, cap, m.Dim, "out"));
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_model_vectors")]
    public static int Vectors(nint h, double* result, long cap) => Guard.Run(() =>
    {
        var m = Model(h);
        long n = (long)m.VocabSize * m.Dim;
        if (result == null) throw new AbiException(Status.Argument, "out is NULL");
        NonNegativeCapacity(cap, "cap");
        if (cap < n) throw new AbiException(Status.Buffer, $"out holds {cap} elements but {n} (V x D = {m.VocabSize} x {m.Dim}) are needed");
        var src = m.Vectors;
        for (long i = 0; i < n; i++) result[i] = src[i];
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_model_words")]
    public static int Words(nint h, byte* buf, long cap, long* needed) => Guard.Run(() =>
    {
        var m = Model(h);
        var words = m.Vocabulary.Words;
        long total = 0;
        foreach (var w in words) total += System.Text.Encoding.UTF8.GetByteCount(w) + 1;
        NonNegativeCapacity(cap, "cap");
        if (needed != null) *needed = total;
        if (buf == null && cap == 0) return Status.Ok;
        if (buf == null) throw new AbiException(Status.Argument, "buf is NULL");
        if (cap < total) throw new AbiException(Status.Buffer, $"buf holds {cap} bytes but {total} are needed");
        long at = 0;
        foreach (var w in words)
        {
            at += System.Text.Encoding.UTF8.GetBytes(w, new Span<byte>(buf + at, checked((int)(total - at))));
            buf[at++] = 0;
        }
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_model_has_covariance")]
    public static int HasCov(nint h, byte* word, int* has) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(has, "out");
        *has = m.HasCovariance(m.IdOf(Str(word, "word"))) ? 1 : 0;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_model_covariance")]
    public static int Covariance(nint h, byte* word, int approximate, double* result, long cap) => Guard.Run(() =>
    {
        var m = Model(h);
        var dst = Out(result, cap, (long)m.Dim * m.Dim, "out");
        m.Covariance(Str(word, "word"), approximate != 0).CopyTo(dst);
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_similarity")]
    public static int Similarity(nint h, byte* a, byte* b, QueryOptionsC* opts, IntervalC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        var o = Options(opts);
        var r = SimilarityQueries.Similarity(o.Propagation(m), Str(a, "a"), Str(b, "b"), o.Method, o.Level, o.Samples, o.Seed);
        *result = ToC(r.Interval);
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_similarities")]
    public static int Similarities(nint h, byte** a, byte** b, long n, QueryOptionsC* opts, IntervalC* result, long cap) => Guard.Run(() =>
    {
        var m = Model(h);
        var o = Options(opts);
        var first = StrArray(a, n, "a"); var second = StrArray(b, n, "b");
        NonNegativeCapacity(cap, "cap");
        if (n == 0) return Status.Ok;
        var dst = Out(result, cap, n, "out");
        // Pairs are independent queries (each exactly as one gv_similarity call with these options): run them side by side.
        var rows = new IntervalC[n];
        var errors = new Exception?[n];
        Parallel.For(0, (int)n, (k, state) =>
        {
            try { rows[k] = ToC(SimilarityQueries.Similarity(o.Propagation(m), first[k], second[k], o.Method, o.Level, o.Samples, o.Seed).Interval); }
            catch (Exception e) { errors[k] = e; state.Break(); }
        });
        // The first failing pair, with its index, and the status gv_similarity would have given it.
        for (int k = 0; k < n; k++)
            if (errors[k] is { } e)
            {
                string msg = $"pair {k} ('{first[k]}', '{second[k]}'): {e.Message}";
                throw e switch
                {
                    AbiException x => new AbiException(x.Code, msg),
                    MissingFileException => new MissingFileException(msg),
                    BadArgumentException => new BadArgumentException(msg),
                    GloVeVException => new GloVeVException(msg),
                    _ => e,
                };
            }
        rows.CopyTo(dst);
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_compare")]
    public static int Compare(nint h, byte* a, byte* b, byte* c, byte* d, QueryOptionsC* opts, DifferenceC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        var o = Options(opts);
        var r = SimilarityQueries.Compare(o.Propagation(m), (Str(a, "a"), Str(b, "b")), (Str(c, "c"), Str(d, "d")), o.Method, o.Samples, o.Seed, o.Level);
        var iv = r.Interval;
        *result = new DifferenceC
        {
            Diff = r.Diff, Plugin = iv.Plugin, Sd = r.Sd, Lo = iv.Lo, Hi = iv.Hi, Z = r.Z, PValue = r.PValue,
            Method = Code(iv.Method), Status = (int)iv.Status, Flags = Flags(iv), Reason = (int)iv.ReasonCode,
        };
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_neighbours")]
    public static int Neighbours(nint h, byte* word, long k, QueryOptionsC* opts, NeighbourC* result, long cap, long* count,
        NeighbourSearchC* search) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(count, "count");
        if (k < 1 || k > m.VocabSize - 1) throw new AbiException(Status.Argument, $"k must be in 1..{m.VocabSize - 1}, got {k}");
        var dst = Out(result, cap, k, "out");
        var o = Options(opts, drawsAnyway: true);
        var r = Inference.Neighbours.Query(o.Propagation(m), Str(word, "word"), (int)k, o.Method, o.Level, o.Samples, o.Seed);
        int searchFlag = r.OmittedBound > NeighbourDefaults.Tolerance ? CalibrationLimits.OmittedBoundFlag : 0;
        for (int i = 0; i < r.Neighbours.Count; i++)
        {
            var n = r.Neighbours[i];
            dst[i] = new NeighbourC
            {
                Index = m.IdOf(n.Word), Cosine = n.Cosine, Estimate = n.Interval.Estimate, Mean = n.Interval.Mean, Sd = n.Interval.Sd, Lo = n.Interval.Lo, Hi = n.Interval.Hi,
                PTopK = n.PTopK, PDiffersFromNext = n.PDifferentFromNext, Status = (int)n.Interval.Status,
                Flags = Flags(n.Interval) | searchFlag | (n.LeftOutAbove > 0 ? CalibrationLimits.LeftOutAboveFlag : 0),
                Reason = (int)n.Interval.ReasonCode,
            };
        }
        *count = r.Neighbours.Count;
        if (search != null) *search = new NeighbourSearchC { Candidates = r.Candidates, Searched = r.Searched, Draws = r.Draws, OmittedBound = r.OmittedBound };
        return Status.Ok;
    });

    static CorrelationC ToC(CorrelationUncertainty u) => new()
    {
        Estimate = u.Estimate, Sd = u.Sd, Lo = u.Lo, Hi = u.Hi, SdPairs = u.SdPairs, SdNoise = u.SdNoise, NoiseShift = u.NoiseShift, Level = u.Level, Replicates = u.Replicates,
    };

    [UnmanagedCallersOnly(EntryPoint = "gv_evaluate")]
    public static int Evaluate(nint h, byte* path, BenchmarkOptionsC* opts, BenchmarkC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        var p = Str(path, "benchmark_path");
        var (k, s, l, holdFixed, approximate) = BenchmarkOptions(opts);
        var r = SimilarityBenchmark.Evaluate(new Propagation(m, approximate, holdFixed), WordPairs.Load(p), Path.GetFileName(p), k, s, l);
        *result = new BenchmarkC
        {
            Pairs = r.Pairs, Used = r.Used, Oov = r.Oov, Words = r.Words.Count, FlaggedWords = r.FlaggedWords, Spearman = r.Spearman, Pearson = r.Pearson,
            SpearmanCi = ToC(r.SpearmanInterval), PearsonCi = ToC(r.PearsonInterval), SpearmanP = r.SpearmanP, PearsonP = r.PearsonP,
        };
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_benchmark_words")]
    public static int BenchmarkWords(nint h, byte* path, byte* buf, long cap, long* needed) => Guard.Run(() =>
    {
        var m = Model(h);
        var ids = SimilarityBenchmark.UsedWordIds(m, WordPairs.Load(Str(path, "benchmark_path")));
        // A NUL after each word, as gv_model_words (the last one is CopyString's).
        return CopyString(string.Join("\0", ids.Select(i => m.Vocabulary[i])), buf, cap, needed);
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_evaluate_compare")]
    public static int EvaluateCompare(nint ha, nint hb, byte* path, BenchmarkOptionsC* opts, BenchmarkComparisonC* result) => Guard.Run(() =>
    {
        var a = Model(ha); var b = Model(hb);
        NotNull(result, "out");
        var p = Str(path, "benchmark_path");
        var (k, s, l, holdFixed, approximate) = BenchmarkOptions(opts);
        var pa = new Propagation(a, approximate, holdFixed); var pb = new Propagation(b, approximate, holdFixed);
        var pairs = WordPairs.Load(p);
        var r = SimilarityBenchmark.Compare(pa, pb, pairs, Path.GetFileName(p), k, s, l);
        *result = new BenchmarkComparisonC
        {
            Pairs = r.Pairs, Replicates = r.Replicates, SpearmanA = r.SpearmanA, SpearmanB = r.SpearmanB, Diff = r.Diff, Sd = r.Sd, Lo = r.Lo, Hi = r.Hi,
            PValue = r.PValue, SdPairs = r.SdPairs, SdNoise = r.SdNoise, Level = r.Level, FlagsA = r.FlagsA, FlagsB = r.FlagsB,
        };
        return Status.Ok;
    });

    static WeatLists WeatListsOf(byte** x, long nx, byte** y, long ny, byte** a, long na, byte** b, long nb, string suffix = "") =>
        new(StrArray(x, nx, "x" + suffix), StrArray(y, ny, "y" + suffix), StrArray(a, na, "a" + suffix), StrArray(b, nb, "b" + suffix));

    [UnmanagedCallersOnly(EntryPoint = "gv_weat")]
    public static int WeatTest(nint h, byte** x, long nx, byte** y, long ny, byte** a, long na, byte** b, long nb,
        long permutations, QueryOptionsC* opts, WeatC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        if (permutations == 0) permutations = IntervalDefaults.Permutations;
        if (permutations < 1 || permutations > int.MaxValue) throw new AbiException(Status.Argument, $"permutations must be 0 (default) or in 1..{int.MaxValue}, got {permutations}");
        var o = Options(opts);
        var r = Weat.Run(o.Propagation(m), WeatListsOf(x, nx, y, ny, a, na, b, nb), (int)permutations, o.Method, o.Level, o.Samples, o.Seed);
        *result = new WeatC
        {
            Statistic = r.Statistic, EffectSize = r.EffectSize, PValue = r.PValue, Permutations = r.Permutations, Exact = r.Exact ? 1 : 0,
            EffectSizeCi = ToC(r.EffectSizeInterval), StatisticCi = ToC(r.StatisticInterval),
        };
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_rnd")]
    public static int Rnd(nint h, byte** g1, long n1, byte** g2, long n2, byte** neutral, long nn, QueryOptionsC* opts, RndC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        var o = Options(opts);
        var r = RelativeNormDistance.Run(o.Propagation(m),
            new RndLists(StrArray(g1, n1, "group1"), StrArray(g2, n2, "group2"), StrArray(neutral, nn, "neutral")), o.Method, o.Level, o.Samples, o.Seed);
        *result = new RndC { Value = r.Value, Z = r.Z, PValue = r.PValue, Neutral = r.Neutral, Ci = ToC(r.Interval) };
        return Status.Ok;
    });

    static string[][] Lists(byte*** lists, long* counts, int n, string name)
    {
        if (lists == null) throw new AbiException(Status.Argument, $"{name} is NULL");
        if (counts == null) throw new AbiException(Status.Argument, $"{name}_counts is NULL");
        var r = new string[n][];
        for (int i = 0; i < n; i++) r[i] = StrArray(lists[i], counts[i], $"{name}[{i}]");
        return r;
    }

    static BiasDifferenceC ToC(BiasDifference d) => new() { First = d.First, Second = d.Second, Ci = ToC(d.Difference) };

    [UnmanagedCallersOnly(EntryPoint = "gv_weat_difference")]
    public static int WeatDifference(nint h, byte*** first, long* firstCounts, byte*** second, long* secondCounts, QueryOptionsC* opts,
        BiasDifferenceC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        var o = Options(opts);
        var f = Lists(first, firstCounts, 4, "first"); var s = Lists(second, secondCounts, 4, "second");
        var d = Weat.Difference(o.Propagation(m), new WeatLists(f[0], f[1], f[2], f[3]), new WeatLists(s[0], s[1], s[2], s[3]),
            o.Method, o.Level, o.Samples, o.Seed);
        *result = ToC(d);
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_rnd_difference")]
    public static int RndDifference(nint h, byte*** first, long* firstCounts, byte*** second, long* secondCounts, QueryOptionsC* opts,
        BiasDifferenceC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        var o = Options(opts);
        var f = Lists(first, firstCounts, 3, "first"); var s = Lists(second, secondCounts, 3, "second");
        var d = RelativeNormDistance.Difference(o.Propagation(m), new RndLists(f[0], f[1], f[2]), new RndLists(s[0], s[1], s[2]),
            o.Method, o.Level, o.Samples, o.Seed);
        *result = ToC(d);
        return Status.Ok;
    });
}
