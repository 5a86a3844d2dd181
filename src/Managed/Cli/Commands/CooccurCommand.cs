using System.CommandLine;
using GloVeV.Cooccurrence;
using GloVeV.Text;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

static class CooccurCommand
{
    public static Command Create()
    {
        var corpus = Required("--corpus", "Corpus file (UTF-8; .gz accepted)");
        var vocab = Required("--vocab", "vocab.txt");
        var output = Required("--out", "Output folder (cooccurrence.bin + cooccurrence.csr.safetensors)");
        var window = Int("--window", "Context window size", 10);
        var sym = Flag("--symmetric", "Count left and right contexts (default)");
        var asym = Flag("--asymmetric", "Count left contexts only");
        var noDist = Flag("--no-distance-weighting", "Add 1 per pair instead of 1/distance");
        var memory = new Option<string>("--memory") { Description = "Memory budget for the whole process (peak RSS stays under it), e.g. 512M or 4G; a budget below the minimum for the vocabulary and threads is refused", DefaultValueFactory = _ => "4G" };
        var threads = Threads(); var json = Json(); var shard = Shard();
        var cmd = new Command("cooccur", "Count word-word co-occurrences (GloVe C semantics)")
            { corpus, vocab, output, window, sym, asym, noDist, memory, VocabCommand.Lowercase, VocabCommand.SplitPunct, VocabCommand.ReplaceInvalid, threads, json, shard };
        cmd.SetAction(r => Guard(() =>
        {
            if (r.GetValue(sym) && r.GetValue(asym)) throw new GloVeVException("--symmetric and --asymmetric exclude each other");
            bool js = r.GetValue(json);
            var v = Vocabulary.Load(r.GetValue(vocab)!);
            var o = new CooccurrenceOptions
            {
                Window = r.GetValue(window), Symmetric = !r.GetValue(asym), DistanceWeighting = !r.GetValue(noDist),
                MemoryBytes = CooccurrenceOptions.ParseSize(r.GetValue(memory)!), Threads = r.GetValue(threads), Tokenizer = VocabCommand.Tokenizer(r),
            };
            // No tokenisation flag given: use the one the vocabulary recorded (vocab.txt.tokenizer); a flag that
            // contradicts the record is refused by the counter.
            bool flagged = r.GetResult(VocabCommand.Lowercase) is { Implicit: false } || r.GetResult(VocabCommand.SplitPunct) is { Implicit: false };
            if (!flagged && v.Tokenizer is { } recorded) o = o with { Tokenizer = o.Tokenizer with { Lowercase = recorded.Lowercase, SplitPunctuation = recorded.SplitPunctuation } };
            if (r.GetValue(shard) is { } sh)
            {
                var (k, n) = ParseShard(sh);
                var swS = System.Diagnostics.Stopwatch.StartNew();
                long pairs = CooccurrenceCounter.CountShard(r.GetValue(corpus)!, v, r.GetValue(output)!, o, k, n);
                if (js) Output.WriteJson(w => { w.WriteNumber("shard", k); w.WriteNumber("shards", n); w.WriteNumber("pairs", pairs); w.WriteNumber("seconds", swS.Elapsed.TotalSeconds); w.WriteString("out", r.GetValue(output)); });
                else Console.WriteLine($"shard {k}/{n}: {pairs:N0} distinct pairs -> {r.GetValue(output)} [{swS.Elapsed.TotalSeconds:F1}s]");
                return 0;
            }
            var res = Output.Stage("cooccur", js, report => CooccurrenceCounter.Count(r.GetValue(corpus)!, v, r.GetValue(output)!, o, (stage, f) => report(f, stage)));
            if (js) Output.WriteJson(w =>
            {
                w.WriteNumber("tokens", res.Tokens); w.WriteNumber("vocabulary", res.VocabularySize); w.WriteNumber("nonzeros", res.NonZeros);
                w.WriteNumber("spilled_runs", res.SpilledRuns); w.WriteNumber("seconds", res.Seconds);
                w.WriteNumber("tokens_per_second", res.Tokens / Math.Max(res.Seconds, 1e-9));
                w.WriteString("cooccurrence_bin", res.BinaryPath); w.WriteString("csr", res.CsrPath);
            });
            else Console.WriteLine($"{res.Tokens:N0} tokens, V={res.VocabularySize:N0}, {res.NonZeros:N0} non-zeros, {res.SpilledRuns} spilled runs -> {r.GetValue(output)} [{res.Seconds:F1}s]");
            return 0;
        }));
        return cmd;
    }
}
