using System.CommandLine;
using GloVeV.Inference;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

/// <summary>Options of the uncertainty-aware queries.</summary>
sealed class QueryOptions
{
    public readonly Option<string> Model = Required("--model", "Model folder (vectors, vocab.txt, variances/)");
    public readonly Option<string> Method = new("--method") { Description = "corrected (default: delta method on noise-debiased cosines) | delta | sample | bootstrap", DefaultValueFactory = _ => "corrected" };
    public readonly Option<double> Level = Double("--level", "Confidence level", 0.95);
    public readonly Option<int> Samples = Int("--samples", "Draws for sampling", 1000);
    public readonly Option<ulong> Seed = new("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1 };
    public readonly Option<bool> Approx = Flag("--approximate", "Use the compact (approximated) covariances");
    public readonly Option<bool> Json = CliOptions.Json();

    public void AddTo(Command c) { c.Add(Model); c.Add(Method); c.Add(Level); c.Add(Samples); c.Add(Seed); c.Add(Approx); c.Add(Json); }

    public IntervalMethod MethodOf(ParseResult r) => Interval.ParseMethod(r.GetValue(Method)!);

    public int SamplesOf(ParseResult r)
    {
        int k = r.GetValue(Samples);
        if (k <= 1) throw new GloVeVException($"--samples must be at least 2, got {k}");
        return k;
    }

    public static void WriteInterval(System.Text.Json.Utf8JsonWriter w, Interval iv)
    {
        Output.Number(w, "sd", iv.Sd);
        w.WriteStartArray("ci"); w.WriteNumberValue(iv.Lo); w.WriteNumberValue(iv.Hi); w.WriteEndArray();
        w.WriteString("method", Interval.MethodName(iv.Method));
    }
}
