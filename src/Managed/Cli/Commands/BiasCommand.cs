using System.CommandLine;
using GloVeV.Evaluation;
using GloVeV.Inference;

namespace GloVeV.Cli.Commands;

static class BiasCommand
{
    public static Command Create()
    {
        var q = new QueryOptions("calibrated", IntervalDefaults.Help + ". For bias scores (README, bias-score table): delta covers the WEAT effect size 0.88-0.98, " +
            "calibrated is not_identifiable for it from noise ratio 1; for RND from noise ratio 0.5 delta covers 0.68-0.84 and sample 0.11-0.47, calibrated 0.94-1.00 (its estimate centred by its bootstrap; not_identifiable from noise ratio 1)");
        var weat = new Option<string[]>("--weat") { Description = "WEAT word-list files X Y A B", AllowMultipleArgumentsPerToken = true };
        var rnd = new Option<string[]>("--rnd") { Description = "Relative norm distance word-list files GROUP1 GROUP2 NEUTRAL", AllowMultipleArgumentsPerToken = true };
        var weat2 = new Option<string[]>("--vs-weat") { Description = "Second WEAT lists X Y A B: also report effect size (first) - effect size (second) with its interval and test; shared words enter once", AllowMultipleArgumentsPerToken = true };
        var rnd2 = new Option<string[]>("--vs-rnd") { Description = "Second RND lists GROUP1 GROUP2 NEUTRAL: also report RND (first) - RND (second) with its interval and test", AllowMultipleArgumentsPerToken = true };
        var perms = CliOptions.Int("--permutations", "WEAT permutations (exact test when there are fewer partitions)", IntervalDefaults.Permutations);
        var cmd = new Command("bias", "WEAT and relative norm distance with GloVe-V intervals, and the difference of two bias scores") { weat, rnd, weat2, rnd2, perms };
        q.AddTo(cmd);
        cmd.SetAction(r => CliOptions.Guard(() =>
        {
            var wf = r.GetValue(weat); var rf = r.GetValue(rnd);
            var wf2 = r.GetValue(weat2); var rf2 = r.GetValue(rnd2);
            if ((wf == null || wf.Length == 0) == (rf == null || rf.Length == 0)) throw new GloVeVException("give exactly one of --weat X Y A B or --rnd GROUP1 GROUP2 NEUTRAL");
            if (wf2 is { Length: > 0 } && wf is not { Length: > 0 }) throw new GloVeVException("--vs-weat needs --weat");
            if (rf2 is { Length: > 0 } && rf is not { Length: > 0 }) throw new GloVeVException("--vs-rnd needs --rnd");
            // An option the statistic does not use is refused, not ignored: RND has no permutation test.
            if (rf is { Length: > 0 } && r.GetResult(perms) is { Implicit: false }) throw new GloVeVException("--permutations is WEAT's: the relative norm distance (--rnd) has no permutation test");
            var (method, k, seed, level) = q.Resolve(r);
            using var m = QueryOptions.Open(r.GetValue(q.Model)!);
            var p = q.Propagation(r, m);
            var ivs = new List<Interval>();
            BiasDifference? diff = null;
            // Words of the lists the vocabulary lacks are left out (as the C ABI and the bindings do): said on stderr in
            // either output mode, and in the JSON as skipped_unknown.
            IReadOnlyDictionary<string, IReadOnlyList<string>> skipped = new Dictionary<string, IReadOnlyList<string>>(), repeated = skipped;
            if (wf is { Length: > 0 })
            {
                var lists = Weat(wf, "--weat");
                var res = Evaluation.Weat.Run(p, lists, r.GetValue(perms), method, level, k, seed);
                (skipped, repeated) = (res.Missing, res.Repeated);
                if (wf2 is { Length: > 0 }) diff = Evaluation.Weat.Difference(p, lists, Weat(wf2, "--vs-weat"), method, level, k, seed);
                ivs.Add(res.EffectSizeInterval); ivs.Add(res.StatisticInterval);
                if (r.GetValue(q.Json)) Output.WriteJson(w =>
                {
                    w.WriteString("test", "weat"); w.WriteNumber("statistic", res.Statistic); Output.Number(w, "effect_size", res.EffectSize);
                    w.WriteNumber("p_value", res.PValue); w.WriteNumber("permutations", res.Permutations); w.WriteBoolean("exact", res.Exact);
                    w.WriteStartObject("effect_size_interval"); QueryOptions.WriteInterval(w, res.EffectSizeInterval); w.WriteEndObject();
                    w.WriteStartObject("statistic_interval"); QueryOptions.WriteInterval(w, res.StatisticInterval); w.WriteEndObject();
                    WriteMissing(w, res.Missing);
                    WriteLists(w, "repeated", res.Repeated);
                    if (diff != null) WriteDifference(w, diff, "effect_size");
                });
                else
                {
                    Output.Table(["test", "statistic", "effect size", "estimate", "effect-size interval", "permutation p", "!"], [[
                        "WEAT", Output.F(res.Statistic), Output.F(res.EffectSize), Output.F(res.EffectSizeInterval.Estimate), QueryOptions.Ci(res.EffectSizeInterval),
                        Output.F(res.PValue, 4), QueryOptions.Mark(res.EffectSizeInterval)]], $"WEAT ({Interval.MethodName(method)}, {level:P0}; permutation p = (g + 1)/(n + 1))");
                    if (diff != null) TableDifference(diff, "WEAT effect size", level);
                }
            }
            else
            {
                var lists = Rnd(rf!, "--rnd");
                var res = RelativeNormDistance.Run(p, lists, method, level, k, seed);
                (skipped, repeated) = (res.Missing, res.Repeated);
                if (rf2 is { Length: > 0 }) diff = RelativeNormDistance.Difference(p, lists, Rnd(rf2, "--vs-rnd"), method, level, k, seed);
                ivs.Add(res.Interval);
                if (r.GetValue(q.Json)) Output.WriteJson(w =>
                {
                    w.WriteString("test", "rnd"); w.WriteNumber("value", res.Value); QueryOptions.WriteInterval(w, res.Interval, res.PValue);
                    Output.Number(w, "z", res.Z); w.WriteNumber("neutral_words", res.Neutral);
                    WriteMissing(w, res.Missing);
                    WriteLists(w, "repeated", res.Repeated);
                    if (diff != null) WriteDifference(w, diff, "rnd");
                });
                else
                {
                    Output.Table(["test", "value", "estimate", "sd", "interval", "z", "p (RND = 0)", "!"], [[
                        "RND", Output.F(res.Value), Output.F(res.Interval.Estimate), Output.F(res.Interval.Sd), QueryOptions.Ci(res.Interval), Output.F(res.Z),
                        Output.F(res.PValue, 4), QueryOptions.Mark(res.Interval)]], $"relative norm distance ({Interval.MethodName(method)}, {level:P0})");
                    if (diff != null) TableDifference(diff, "RND", level);
                }
            }
            if (diff != null) ivs.Add(diff.Difference);
            QueryOptions.Warn(ivs);
            // The second lists of a difference are said the same way (named as the core names them).
            static IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> Second(IReadOnlyDictionary<string, IReadOnlyList<string>>? d) =>
                d?.Where(kv => kv.Key.EndsWith(" (second)", StringComparison.Ordinal)) ?? [];
            foreach (var line in WordLists.Notes(skipped.Concat(Second(diff?.Missing)).ToDictionary(), repeated.Concat(Second(diff?.Repeated)).ToDictionary()))
                Console.Error.WriteLine($"glovev: warning: {line}");
            return 0;
        }));
        return cmd;
    }

    static WeatLists Weat(string[] files, string option)
    {
        if (files.Length != 4) throw new GloVeVException($"{option} needs 4 word-list files (X Y A B), got {files.Length}");
        var l = files.Select(WordLists.Load).ToArray();
        return new WeatLists(l[0], l[1], l[2], l[3]);
    }

    static RndLists Rnd(string[] files, string option)
    {
        if (files.Length != 3) throw new GloVeVException($"{option} needs 3 word-list files (GROUP1 GROUP2 NEUTRAL), got {files.Length}");
        var l = files.Select(WordLists.Load).ToArray();
        return new RndLists(l[0], l[1], l[2]);
    }

    static void WriteDifference(System.Text.Json.Utf8JsonWriter w, BiasDifference d, string what)
    {
        w.WriteStartObject("difference");
        w.WriteString("of", $"{what} (first lists) - {what} (second lists)");
        w.WriteNumber("first", d.First); w.WriteNumber("second", d.Second);
        QueryOptions.WriteInterval(w, d.Difference);
        // The second lists' words the vocabulary lacks or that a list repeats (the first lists' are at the top level).
        static IReadOnlyDictionary<string, IReadOnlyList<string>> Second(IReadOnlyDictionary<string, IReadOnlyList<string>> x) =>
            x.Where(kv => kv.Key.EndsWith(" (second)", StringComparison.Ordinal)).ToDictionary();
        WriteMissing(w, Second(d.Missing));
        WriteLists(w, "repeated", Second(d.Repeated));
        w.WriteEndObject();
    }

    static void TableDifference(BiasDifference d, string what, double level) =>
        Output.Table(["", "first", "second", "difference", "estimate", "sd", "interval", "p (equal)", "!"], [[
            what, Output.F(d.First), Output.F(d.Second), Output.F(d.First - d.Second), Output.F(d.Difference.Estimate), Output.F(d.Difference.Sd),
            QueryOptions.Ci(d.Difference), Output.F(d.Difference.PValueZero, 4), QueryOptions.Mark(d.Difference)]], $"difference of two bias scores ({level:P0})");

    static void WriteMissing(System.Text.Json.Utf8JsonWriter w, IReadOnlyDictionary<string, IReadOnlyList<string>> missing) =>
        WriteLists(w, "skipped_unknown", missing);

    static void WriteLists(System.Text.Json.Utf8JsonWriter w, string name, IReadOnlyDictionary<string, IReadOnlyList<string>> lists)
    {
        w.WriteStartObject(name);
        foreach (var kv in lists) { w.WriteStartArray(kv.Key); foreach (var x in kv.Value) w.WriteStringValue(x); w.WriteEndArray(); }
        w.WriteEndObject();
    }
}
