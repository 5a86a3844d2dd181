using System.CommandLine;
using GloVeV.IO;
using GloVeV.Text;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

static class VocabCommand
{
    public static readonly Option<bool> Lowercase = Flag("--lowercase", "Lowercase tokens (Unicode-aware)");
    public static readonly Option<bool> SplitPunct = Flag("--split-punctuation", "Split Unicode punctuation off as separate tokens");
    public static readonly Option<bool> ReplaceInvalid = Flag("--replace-invalid", "Replace invalid UTF-8 with U+FFFD (counted) instead of failing");

    public static TokenizerOptions Tokenizer(ParseResult r) => new()
    {
        Lowercase = r.GetValue(Lowercase), SplitPunctuation = r.GetValue(SplitPunct), ReplaceInvalidUtf8 = r.GetValue(ReplaceInvalid),
    };

    public static Command Create()
    {
        var corpus = Required("--corpus", "Corpus file (UTF-8, one document per line; .gz accepted)");
        var output = Required("--out", "Output vocab.txt");
        var minCount = Int("--min-count", "Drop words seen fewer times", 5);
        var maxVocab = Int("--max-vocab", "Keep at most this many words (0 = all)", 0);
        var threads = Threads(); var json = Json();
        var cmd = new Command("vocab", "Count words and write GloVe C's vocab.txt") { corpus, output, minCount, maxVocab, Lowercase, SplitPunct, ReplaceInvalid, threads, json };
        cmd.SetAction(r => Guard(() =>
        {
            bool js = r.GetValue(json);
            var path = r.GetValue(corpus)!;
            // Progress counts decompressed bytes, so a .gz file's own size says nothing about the fraction done.
            long size = File.Exists(path) && !path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new FileInfo(path).Length : 0;
            var o = new VocabularyOptions { MinCount = r.GetValue(minCount), MaxVocab = r.GetValue(maxVocab), Tokenizer = Tokenizer(r), Threads = r.GetValue(threads) };
            var sw = System.Diagnostics.Stopwatch.StartNew();
            OutputPaths.RefuseInput(r.GetValue(output)!, path, "corpus");
            Vocabulary.CheckSavePath(r.GetValue(output)!); // before counting, not after
            OutputPaths.RefuseInput(Vocabulary.TokenizerFile(r.GetValue(output)!), path, "corpus");
            var res = Output.Stage("vocab", js, report => VocabularyBuilder.Build(path, o, b => report(size > 0 ? Math.Min(1, (double)b / size) : 0, $"{b >> 20} MiB read")));
            res.Vocabulary.Save(r.GetValue(output)!);
            if (js) Output.WriteJson(w =>
            {
                w.WriteNumber("tokens", res.Tokens); w.WriteNumber("distinct_words", res.DistinctWords);
                w.WriteNumber("vocabulary", res.Vocabulary.Count); w.WriteNumber("invalid_utf8_replaced", res.InvalidReplaced);
                w.WriteNumber("seconds", sw.Elapsed.TotalSeconds); w.WriteString("out", r.GetValue(output));
            });
            else Console.WriteLine($"{res.Tokens:N0} tokens, {res.DistinctWords:N0} distinct, {res.Vocabulary.Count:N0} kept (min-count {o.MinCount}) -> {r.GetValue(output)} [{sw.Elapsed.TotalSeconds:F1}s]");
            return 0;
        }));
        return cmd;
    }
}
