using System.CommandLine;
using GloVeV.Evaluation;
using GloVeV.Inference;

namespace GloVeV.Cli.Commands;

static class BiasCommand
{
    public static Command Create()
    {
        var q = new QueryOptions("sample");
        var weat = new Option<string[]>("--weat") { Description = "WEAT word-list files X Y A B", AllowMultipleArgumentsPerToken = true };
        var rnd = new Option<string[]>("--rnd") { Description = "Relative norm distance word-list files GROUP1 GROUP2 NEUTRAL", AllowMultipleArgumentsPerToken = true };
        var perms = CliOptions.Int("--permutations", "WEAT permutations (exact test when there are fewer partitions)", 10000);
        var cmd = new Command("bias", "WEAT and relative norm distance with GloVe-V intervals") { weat, rnd, perms };
        q.AddTo(cmd);
        cmd.SetAction(r => CliOptions.Guard(() =>
        {
            var wf = r.GetValue(weat); var rf = r.GetValue(rnd);
            if ((wf == null || wf.Length == 0) == (rf == null || rf.Length == 0)) throw new GloVeVException("give exactly one of --weat X Y A B or --rnd GROUP1 GROUP2 NEUTRAL");
            using var m = GloVeModel.Load(r.GetValue(q.Model)!);
            int k = q.SamplesOf(r);
            var method = q.MethodOf(r);
            if (wf is { Length: > 0 })
            {
                if (wf.Length != 4) throw new GloVeVException($"--weat needs 4 word-list files (X Y A B), got {wf.Length}");
                var l = wf.Select(WordLists.Load).ToArray();
                var res = Weat.Run(m, l[0], l[1], l[2], l[3], r.GetValue(perms), k, r.GetValue(q.Seed), r.GetValue(q.Level), method);
                if (r.GetValue(q.Json)) Output.WriteJson(w =>
                {
                    w.WriteString("test", "weat"); w.WriteNumber("statistic", res.Statistic); Output.Number(w, "effect_size", res.EffectSize);
                    w.WriteNumber("p_value", res.PValue); w.WriteNumber("permutations", res.Permutations); w.WriteBoolean("exact", res.Exact);
                    w.WriteStartObject("effect_size_interval"); QueryOptions.WriteInterval(w, res.EffectSizeInterval); w.WriteEndObject();
                    w.WriteStartObject("statistic_interval"); QueryOptions.WriteInterval(w, res.StatisticInterval); w.WriteEndObject();
                    WriteMissing(w, res.Missing);
                });
                else Output.Table(["test", "statistic", "effect size", "effect-size interval", "permutation p"], [[
                    "WEAT", Output.F(res.Statistic), Output.F(res.EffectSize), $"[{Output.F(res.EffectSizeInterval.Lo)}, {Output.F(res.EffectSizeInterval.Hi)}]", Output.F(res.PValue, 4)]]);
            }
            else
            {
                if (rf!.Length != 3) throw new GloVeVException($"--rnd needs 3 word-list files (GROUP1 GROUP2 NEUTRAL), got {rf.Length}");
                var l = rf.Select(WordLists.Load).ToArray();
                var res = RelativeNormDistance.Run(m, l[0], l[1], l[2], k, r.GetValue(q.Seed), r.GetValue(q.Level), method);
                if (r.GetValue(q.Json)) Output.WriteJson(w =>
                {
                    w.WriteString("test", "rnd"); w.WriteNumber("value", res.Value); QueryOptions.WriteInterval(w, res.Interval);
                    Output.Number(w, "z", res.Z); Output.Number(w, "p_value", res.PValue); w.WriteNumber("neutral_words", res.Neutral);
                    WriteMissing(w, res.Missing);
                });
                else Output.Table(["test", "value", "sd", "interval", "p (RND = 0)"], [[
                    "RND", Output.F(res.Value), Output.F(res.Interval.Sd), $"[{Output.F(res.Interval.Lo)}, {Output.F(res.Interval.Hi)}]", Output.F(res.PValue, 4)]]);
            }
            return 0;
        }));
        return cmd;
    }

    static void WriteMissing(System.Text.Json.Utf8JsonWriter w, IReadOnlyDictionary<string, IReadOnlyList<string>> missing)
    {
        w.WriteStartObject("skipped_unknown");
        foreach (var kv in missing) { w.WriteStartArray(kv.Key); foreach (var x in kv.Value) w.WriteStringValue(x); w.WriteEndArray(); }
        w.WriteEndObject();
    }
}
