using System.Runtime.InteropServices;
using GloVeV.Evaluation;
using GloVeV.Inference;
using static GloVeV.NativeExports.Marshalling;

namespace GloVeV.NativeExports;

/// <summary>Opening a model and asking it uncertainty-aware questions.</summary>
static unsafe class QueryExports
{
    static GloVeModel Model(nint h) => Handles.Get<GloVeModel>(h, "model");

    static IntervalMethod Method(int m) => m switch
    {
        0 => IntervalMethod.Delta, 1 => IntervalMethod.Sample, 2 => IntervalMethod.Calibrated,
        _ => throw new AbiException(Status.Argument, $"method must be GV_METHOD_DELTA (0), GV_METHOD_SAMPLE (1) or GV_METHOD_CALIBRATED (2), got {m}"),
    };

    static int Samples(long k) => k is >= 2 and <= 10_000_000 ? (int)k : throw new AbiException(Status.Argument, $"samples must be in 2..10000000, got {k}");

    static double Level(double l) => l > 0 && l < 1 ? l : throw new AbiException(Status.Argument, $"level must be in (0, 1), got {l}");

    /// <summary>The core's check of a method's options; samples = 0 and seed = 0 mean "not given" (the defaults), level = 0 likewise.</summary>
    static (IntervalMethod Method, int Samples, ulong Seed, double Level) Options(int method, double level, long samples, ulong seed, bool drawsAnyway = false)
    {
        var m = Method(method);
        if (samples < 0 || samples > 10_000_000) throw new AbiException(Status.Argument, $"samples must be 0 (default) or in 2..10000000, got {samples}");
        if (level != 0) Level(level);
        try
        {
            var (k, s, l) = IntervalDefaults.Resolve(drawsAnyway && m == IntervalMethod.Delta ? IntervalMethod.Sample : m,
                samples == 0 ? null : (int)samples, seed == 0 ? null : seed, level == 0 ? null : level);
            return (m, k, s, l);
        }
        catch (GloVeVException e) { throw new AbiException(Status.Argument, e.Message); }
    }

    static int Flags(Interval iv) => iv.Flags;

    static IntervalC ToC(Interval iv) => new()
    {
        Estimate = iv.Estimate, Plugin = iv.Plugin, Mean = iv.Mean, Sd = iv.Sd, Lo = iv.Lo, Hi = iv.Hi, PValue = iv.PValueZero,
        Method = (int)iv.Method, Status = (int)iv.Status, Flags = Flags(iv),
    };

    [UnmanagedCallersOnly(EntryPoint = "gv_interval_defaults")]
    public static int Defaults(DefaultsC* result) => Guard.Run(() =>
    {
        NotNull(result, "out");
        *result = new DefaultsC { Method = (int)IntervalDefaults.Method, Samples = IntervalDefaults.Samples, Seed = IntervalDefaults.Seed, Level = IntervalDefaults.Level };
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_method_name")]
    public static int MethodName(int method, byte* buf, long cap, long* needed) => Guard.Run(() => CopyString(Interval.MethodName(Method(method)), buf, cap, needed));

    [UnmanagedCallersOnly(EntryPoint = "gv_method_parse")]
    public static int MethodParse(byte* name, int* method) => Guard.Run(() =>
    {
        NotNull(method, "out");
        try { *method = (int)Interval.ParseMethod(Str(name, "name")); }
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
        var list = StrArray(words, n, "words");
        var ids = list.Where(w => m.Vocabulary.TryGetId(w, out _)).Select(m.IdOf).Distinct().ToArray();
        var rel = new Propagation(m, approximate != 0, holdFixed: true).Reliability(ids);
        return CopyString(string.Join("\n", CalibrationLimits.ResultWarnings(rel, flags)), buf, cap, needed);
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
    public static int Vector(nint h, byte* word, double* result, long len) => Guard.Run(() =>
    {
        var m = Model(h);
        var v = m.Vector(Str(word, "word"));
        v.CopyTo(Out(result, len, m.Dim, "out"));
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
    public static int Covariance(nint h, byte* word, int approximate, double* result, long len) => Guard.Run(() =>
    {
        var m = Model(h);
        var dst = Out(result, len, (long)m.Dim * m.Dim, "out");
        m.Covariance(Str(word, "word"), approximate != 0).CopyTo(dst);
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_similarity")]
    public static int Similarity(nint h, byte* a, byte* b, int method, double level, long samples, ulong seed, int holdFixed, IntervalC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        var o = Options(method, level, samples, seed);
        var r = SimilarityQueries.Similarity(new Propagation(m, false, holdFixed != 0), Str(a, "a"), Str(b, "b"), o.Method, o.Level, o.Samples, o.Seed);
        *result = ToC(r.Interval);
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_compare")]
    public static int Compare(nint h, byte* a, byte* b, byte* c, byte* d, int method, double level, long samples, ulong seed, int holdFixed, DifferenceC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        var o = Options(method, level, samples, seed);
        var r = SimilarityQueries.Compare(new Propagation(m, false, holdFixed != 0), (Str(a, "a"), Str(b, "b")), (Str(c, "c"), Str(d, "d")), o.Method, o.Samples, o.Seed, o.Level);
        var iv = r.Interval;
        *result = new DifferenceC
        {
            Diff = r.Diff, Plugin = iv.Plugin, Sd = r.Sd, Lo = iv.Lo, Hi = iv.Hi, Z = r.Z, PValue = r.PValue,
            Method = (int)iv.Method, Status = (int)iv.Status, Flags = Flags(iv),
        };
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_neighbours")]
    public static int Neighbours(nint h, byte* word, long k, int method, double level, long samples, ulong seed, int holdFixed, NeighbourC* result, long cap, long* count,
        NeighbourSearchC* search) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(count, "count");
        if (k < 1 || k > m.VocabSize - 1) throw new AbiException(Status.Argument, $"k must be in 1..{m.VocabSize - 1}, got {k}");
        var dst = Out(result, cap, k, "out");
        var o = Options(method, level, samples, seed, drawsAnyway: true);
        var r = Inference.Neighbours.Query(new Propagation(m, false, holdFixed != 0), Str(word, "word"), (int)k, o.Method, o.Level, o.Samples, o.Seed);
        for (int i = 0; i < r.Neighbours.Count; i++)
        {
            var n = r.Neighbours[i];
            dst[i] = new NeighbourC
            {
                Index = m.IdOf(n.Word), Cosine = n.Cosine, Estimate = n.Interval.Estimate, Mean = n.Interval.Mean, Sd = n.Interval.Sd, Lo = n.Interval.Lo, Hi = n.Interval.Hi,
                PTopK = n.PTopK, PDiffersFromNext = n.PDifferentFromNext, Status = (int)n.Interval.Status, Flags = Flags(n.Interval),
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

    /// <summary>Samples, seed and level of a benchmark (it draws): 0 = the core's defaults.</summary>
    static (int Samples, ulong Seed, double Level) DrawOptions(long samples, ulong seed, double level)
    {
        var o = Options((int)IntervalMethod.Sample, level, samples, seed);
        return (o.Samples, o.Seed, o.Level);
    }

    [UnmanagedCallersOnly(EntryPoint = "gv_evaluate")]
    public static int Evaluate(nint h, byte* path, long samples, ulong seed, double level, int holdFixed, BenchmarkC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        var p = Str(path, "benchmark_path");
        var (k, s, l) = DrawOptions(samples, seed, level);
        var r = SimilarityBenchmark.Evaluate(new Propagation(m, false, holdFixed != 0), WordPairs.Load(p), Path.GetFileName(p), k, s, l);
        *result = new BenchmarkC
        {
            Pairs = r.Pairs, Used = r.Used, Oov = r.Oov, Words = r.Words.Count, FlaggedWords = r.FlaggedWords, Spearman = r.Spearman, Pearson = r.Pearson,
            SpearmanCi = ToC(r.SpearmanInterval), PearsonCi = ToC(r.PearsonInterval), SpearmanP = r.SpearmanP, PearsonP = r.PearsonP,
        };
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_evaluate_compare")]
    public static int EvaluateCompare(nint ha, nint hb, byte* path, long samples, ulong seed, double level, int holdFixed, BenchmarkComparisonC* result) => Guard.Run(() =>
    {
        var a = Model(ha); var b = Model(hb);
        NotNull(result, "out");
        var p = Str(path, "benchmark_path");
        var (k, s, l) = DrawOptions(samples, seed, level);
        var pa = new Propagation(a, false, holdFixed != 0); var pb = new Propagation(b, false, holdFixed != 0);
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
        long permutations, int method, double level, long samples, ulong seed, int holdFixed, int approximate, WeatC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        if (permutations < 1 || permutations > int.MaxValue) throw new AbiException(Status.Argument, $"permutations must be >= 1, got {permutations}");
        var o = Options(method, level, samples, seed);
        var r = Weat.Run(new Propagation(m, approximate != 0, holdFixed != 0), WeatListsOf(x, nx, y, ny, a, na, b, nb), (int)permutations, o.Method, o.Level, o.Samples, o.Seed);
        *result = new WeatC
        {
            Statistic = r.Statistic, EffectSize = r.EffectSize, PValue = r.PValue, Permutations = r.Permutations, Exact = r.Exact ? 1 : 0,
            EffectSizeCi = ToC(r.EffectSizeInterval), StatisticCi = ToC(r.StatisticInterval),
        };
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_rnd")]
    public static int Rnd(nint h, byte** g1, long n1, byte** g2, long n2, byte** neutral, long nn, int method, double level, long samples, ulong seed,
        int holdFixed, int approximate, RndC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        var o = Options(method, level, samples, seed);
        var r = RelativeNormDistance.Run(new Propagation(m, approximate != 0, holdFixed != 0),
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
    public static int WeatDifference(nint h, byte*** first, long* firstCounts, byte*** second, long* secondCounts, int method, double level, long samples,
        ulong seed, int holdFixed, int approximate, BiasDifferenceC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        var o = Options(method, level, samples, seed);
        var f = Lists(first, firstCounts, 4, "first"); var s = Lists(second, secondCounts, 4, "second");
        var d = Weat.Difference(new Propagation(m, approximate != 0, holdFixed != 0), new WeatLists(f[0], f[1], f[2], f[3]), new WeatLists(s[0], s[1], s[2], s[3]),
            o.Method, o.Level, o.Samples, o.Seed);
        *result = ToC(d);
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "gv_rnd_difference")]
    public static int RndDifference(nint h, byte*** first, long* firstCounts, byte*** second, long* secondCounts, int method, double level, long samples,
        ulong seed, int holdFixed, int approximate, BiasDifferenceC* result) => Guard.Run(() =>
    {
        var m = Model(h);
        NotNull(result, "out");
        var o = Options(method, level, samples, seed);
        var f = Lists(first, firstCounts, 3, "first"); var s = Lists(second, secondCounts, 3, "second");
        var d = RelativeNormDistance.Difference(new Propagation(m, approximate != 0, holdFixed != 0), new RndLists(f[0], f[1], f[2]), new RndLists(s[0], s[1], s[2]),
            o.Method, o.Level, o.Samples, o.Seed);
        *result = ToC(d);
        return Status.Ok;
    });
}
