using System.CommandLine;
using GloVeV.Cooccurrence;
using GloVeV.Text;
using GloVeV.Variance;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

/// <summary><c>merge-cooccur</c> and <c>merge-variances</c>: join the shards of a distributed stage.</summary>
static class MergeCommands
{
    public static Command Cooccur()
    {
        var output = Required("--out", "Output co-occurrence folder");
        var vocab = Required("--vocab", "vocab.txt the shards were counted with");
        var parts = new Argument<string[]>("parts") { Description = "Shard folders (all of 1..N)", Arity = ArgumentArity.OneOrMore };
        var json = Json();
        var cmd = new Command("merge-cooccur", "Merge co-occurrence shards into the matrix a single run produces") { output, vocab, parts, json };
        cmd.SetAction(r => Guard(() =>
        {
            var res = CooccurrenceCounter.MergeShards(r.GetValue(parts)!, Vocabulary.Load(r.GetValue(vocab)!), r.GetValue(output)!);
            if (r.GetValue(json)) Output.WriteJson(w => { w.WriteNumber("tokens", res.Tokens); w.WriteNumber("nonzeros", res.NonZeros); w.WriteNumber("seconds", res.Seconds); w.WriteString("out", r.GetValue(output)); });
            else Console.WriteLine($"{res.NonZeros:N0} non-zeros from {r.GetValue(parts)!.Length} shards -> {r.GetValue(output)} [{res.Seconds:F1}s]");
            return 0;
        }));
        return cmd;
    }

    public static Command Variances()
    {
        var output = Required("--out", "Output variance folder");
        var parts = new Argument<string[]>("parts") { Description = "Variance shard folders", Arity = ArgumentArity.OneOrMore };
        var json = Json();
        var cmd = new Command("merge-variances", "Join variance shards into one variance folder") { output, parts, json };
        cmd.SetAction(r => Guard(() =>
        {
            int words = VarianceMerge.Merge(r.GetValue(parts)!, r.GetValue(output)!);
            if (r.GetValue(json)) Output.WriteJson(w => { w.WriteNumber("words_with_variance", words); w.WriteString("out", r.GetValue(output)); });
            else Console.WriteLine($"{words:N0} covariances from {r.GetValue(parts)!.Length} shards -> {r.GetValue(output)}");
            return 0;
        }));
        return cmd;
    }
}
