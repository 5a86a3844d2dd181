using System.CommandLine;
using GloVeV.Cli.Commands;
using GloVeV.Native;

namespace GloVeV.Cli;

static class Program
{
    static int Main(string[] args)
    {
        TrainBackends.Args = args;
        var root = new RootCommand("glovev: GloVe word embeddings with GloVe-V statistical uncertainty");
        foreach (var o in root.Options.OfType<VersionOption>().ToList()) root.Options.Remove(o);
        var version = new Option<bool>("--version") { Description = "Show version, BLAS backend and SIMD level" };
        root.Options.Add(version);
        root.Subcommands.Add(VocabCommand.Create());
        root.Subcommands.Add(CooccurCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ExportCommand.CreateImport());
        root.Subcommands.Add(VarianceCommand.Create());
        root.Subcommands.Add(SimilarCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(BiasCommand.Create());
        root.Subcommands.Add(ShowCommand.Create());
        root.Subcommands.Add(MergeCommands.Cooccur());
        root.Subcommands.Add(MergeCommands.Variances());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(CalibrateCommand.Create());
        root.Subcommands.Add(BootstrapCommand.Create());
        root.Subcommands.Add(BootstrapCommand.CompareUncertainty());
        CliOptions.RegisterFlags(root);
        root.SetAction(r =>
        {
            if (!r.GetValue(version))
            {
                // Bare glovev: a short usage, not the whole help and not an error.
                Console.WriteLine("usage: glovev <command> [options]   (glovev <command> --help for its options)");
                Console.WriteLine("commands: " + string.Join(", ", root.Subcommands.Select(c => c.Name)));
                Console.WriteLine("start with: glovev run --out DIR   (the embedded corpus, every stage, a short report)");
                return 0;
            }
            return CliOptions.Guard(() =>
            {
                Console.WriteLine($"glovev {VersionInfo.Version}");
                Console.WriteLine($"blas: {BlasBackend.Current}");
                Console.WriteLine($"simd: {Simd.Level}; compiled for {VersionInfo.InstructionSet}");
                Console.WriteLine($"gram (variance, ALS): {(PackedGram.PreferBackendSyrk ? $"{BlasBackend.Current.Name} dsyrk" : "packed AVX2 kernel")}");
                Console.WriteLine($"runtime: {(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT")} {Environment.Version}");
                return 0;
            });
        });
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0) return ParseErrors.Report(parsed);
        // An empty value (--out "") is no path or number: said by its option, not by .NET's "(Parameter 'path')".
        var tokens = parsed.Tokens;
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Type != System.CommandLine.Parsing.TokenType.Argument) continue;
            string who = i > 0 && tokens[i - 1].Type == System.CommandLine.Parsing.TokenType.Option ? tokens[i - 1].Value : "an argument";
            if (tokens[i].Value.Length == 0) return Output.Fail(who == "an argument" ? "an empty argument" : $"{who}: an empty value");
            // .NET decodes the command line as UTF-8 and puts U+FFFD where bytes are not: such a path would name another
            // file (vocab --out 'v\xe9.txt' wrote 'v\uFFFD.txt'), such a word another word.
            if (tokens[i].Value.Contains('\uFFFD'))
                return Output.Fail($"{who}: '{tokens[i].Value}' is not valid UTF-8 (bytes that are not UTF-8 text, shown as U+FFFD); name files and words in UTF-8");
        }
        return parsed.Invoke();
    }
}
