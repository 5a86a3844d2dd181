using System.CommandLine;
using GloVeV.Inference;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

/// <summary>Options of the uncertainty-aware queries. Names, defaults and checks come from <see cref="IntervalDefaults"/>.</summary>
/// <param name="drawHelp">What --samples and --seed do in this command (by default: the drawing methods').</param>
sealed class QueryOptions(string defaultMethod = "calibrated", string? methodHelp = null, string? drawHelp = null)
{
    public readonly Option<string> Model = Required("--model", "Model folder (vectors, vocab.txt, variances/)");
    public readonly Option<string> Method = new("--method") { Description = methodHelp ?? (defaultMethod == "calibrated" ? IntervalDefaults.Help : $"{defaultMethod} (the only method this command implements)"), DefaultValueFactory = _ => defaultMethod };
    public readonly Option<double> Level = Double("--level", "Confidence level", IntervalDefaults.Level);
    public readonly Option<int> Samples = Int("--samples", $"Draws ({drawHelp ?? "sample, calibrated; rejected with delta"})", IntervalDefaults.Samples);
    public readonly Option<ulong> Seed = new("--seed") { Description = $"Random seed, a whole number >= 1 ({drawHelp ?? "sample, calibrated; rejected with delta"})", DefaultValueFactory = _ => IntervalDefaults.Seed };
    public readonly Option<bool> Approx = Flag("--approximate", "Use the compact (approximated) covariances");
    public readonly Option<bool> HoldFixed = Flag("--hold-fixed", "Treat words without a GloVe-V covariance as exact (held fixed, flagged) instead of failing");
    public readonly Option<bool> Json = CliOptions.Json();

    public void AddTo(Command c) { c.Add(Model); c.Add(Method); c.Add(Level); c.Add(Samples); c.Add(Seed); c.Add(Approx); c.Add(HoldFixed); c.Add(Json); }

    public IntervalMethod MethodOf(ParseResult r) => Interval.ParseMethod(r.GetValue(Method)!);

    static bool Given(ParseResult r, Option o) => r.GetResult(o) is { Implicit: false };

    /// <summary>Method, samples, seed and level, checked by the core (a method that draws nothing rejects --samples/--seed).</summary>
    public (IntervalMethod Method, int Samples, ulong Seed, double Level) Resolve(ParseResult r, bool drawsAnyway = false)
    {
        var m = MethodOf(r);
        var (k, s, l) = IntervalDefaults.Resolve(drawsAnyway && m == IntervalMethod.Delta ? IntervalMethod.Sample : m,
            Given(r, Samples) ? r.GetValue(Samples) : null, Given(r, Seed) ? r.GetValue(Seed) : null, Given(r, Level) ? r.GetValue(Level) : null);
        return (m, k, s, l);
    }

    public Propagation Propagation(ParseResult r, GloVeModel m) => new(m, r.GetValue(Approx), r.GetValue(HoldFixed));

    /// <summary>Opens a model for a query and warns, as Python and R do when they open one, about what its variance stage
    /// found of GloVe-V's premise (words off their WLS optimum, an unconverged model, pseudo-inverses).</summary>
    public static GloVeModel Open(string dir)
    {
        var m = GloVeModel.Load(dir);
        foreach (var x in m.PremiseWarnings) Console.Error.WriteLine($"glovev: warning: {x}");
        return m;
    }

    public int SamplesOf(ParseResult r)
    {
        int k = r.GetValue(Samples);
        if (k <= 1) throw new GloVeVException($"--samples must be at least 2, got {k}");
        return k;
    }

    /// <param name="pValue">The answer's p-value where it is not the interval's own test of "statistic = 0"
    /// (<see cref="Interval.PValueZero"/>, what the C ABI and the bindings report as the interval's p_value).</param>
    public static void WriteInterval(System.Text.Json.Utf8JsonWriter w, Interval iv, double? pValue = null)
    {
        Output.Number(w, "estimate", iv.Estimate);
        Output.Number(w, "plugin", iv.Plugin);
        Output.Number(w, "sd", iv.Sd);
        Output.Number(w, "lower", iv.Lo);
        Output.Number(w, "upper", iv.Hi);
        w.WriteStartArray("ci"); WriteNumberOrNull(w, iv.Lo); WriteNumberOrNull(w, iv.Hi); w.WriteEndArray();
        Output.Number(w, "p_value", pValue ?? iv.PValueZero);
        w.WriteNumber("level", iv.Level);
        w.WriteString("status", Interval.StatusName(iv.Status));
        // Present in every answer (null when ok), whatever the method, so readers of the JSON need no special case.
        if (!iv.Identifiable) { w.WriteString("reason", iv.Reason); w.WriteString("reason_code", Interval.ReasonName(iv.ReasonCode)); }
        else { w.WriteNull("reason"); w.WriteNull("reason_code"); }
        w.WriteString("method", Interval.MethodName(iv.Method));
        WriteWords(w, iv);
    }

    static void WriteNumberOrNull(System.Text.Json.Utf8JsonWriter w, double v) { if (double.IsFinite(v)) w.WriteNumberValue(v); else w.WriteNullValue(); }

    public static void WriteWords(System.Text.Json.Utf8JsonWriter w, Interval iv)
    {
        w.WriteBoolean("flagged", iv.Flagged);
        w.WriteStartArray("warnings"); foreach (var x in iv.Warnings) w.WriteStringValue(x); w.WriteEndArray();
        WriteWordList(w, "words", iv.Words);
    }

    /// <summary>Each word's reliability as a JSON array of objects (word, has_covariance, held_fixed, contexts, dof,
    /// noise_ratio, cos_trained_wls, variance_status, flagged).</summary>
    public static void WriteWordList(System.Text.Json.Utf8JsonWriter w, string name, IEnumerable<WordReliability> words)
    {
        w.WriteStartArray(name);
        foreach (var x in words)
        {
            w.WriteStartObject();
            w.WriteString("word", x.Word); w.WriteBoolean("has_covariance", x.HasCovariance); w.WriteBoolean("held_fixed", x.HeldFixed);
            w.WriteNumber("contexts", x.Contexts); w.WriteNumber("dof", x.Dof); Output.Number(w, "noise_ratio", x.NoiseRatio);
            Output.Number(w, "cos_trained_wls", x.CosTrainedWls); w.WriteString("variance_status", x.VarianceStatus);
            w.WriteBoolean("flagged", x.Flagged);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Table cells: estimate, sd and interval (or the status), with '!' marking a flagged result.</summary>
    public static string Ci(Interval iv) => iv.Identifiable ? $"[{Output.F(iv.Lo)}, {Output.F(iv.Hi)}]" : "not_identifiable";
    public static string Mark(Interval iv) => iv.Flagged ? "!" : "";

    /// <summary>Prints each distinct warning of the results on stderr (the table marks them with '!').</summary>
    public static void Warn(IEnumerable<Interval> ivs)
    {
        foreach (var x in ivs.SelectMany(i => i.Warnings).Distinct()) Console.Error.WriteLine($"glovev: warning: {x}");
        foreach (var r in ivs.Where(i => !i.Identifiable).Select(i => i.Reason).Distinct()) Console.Error.WriteLine($"glovev: not identifiable: {r}");
    }
}
