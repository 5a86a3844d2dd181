using System.CommandLine;
using GloVeV.IO;
using GloVeV.Text;
using GloVeV.Training;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

/// <summary><c>glovev export</c> and <c>glovev import</c>: vectors in GloVe C's, word2vec's and gensim's files.</summary>
static class ExportCommand
{
    public static Command Create()
    {
        var model = Required("--model", "Model folder");
        var format = Required("--format", "glove-txt | glove-bin (GloVe C's files, from params.safetensors; glove-txt's layout by --model-type) | word2vec | word2vec-bin (the centre vectors the queries use; gensim's load_word2vec_format reads both). Python's and R's glove-txt export is the centre vectors in GloVe's layout (--model-type 1 here)");
        var output = Required("--out", "Output file");
        var modelType = Int("--model-type", "GloVe C text layout (glove-txt): 0 = W,b,C,c~; 1 = W; 2 = W + C", 2);
        var json = Json();
        var cmd = new Command("export", "Export vectors in GloVe C or word2vec formats") { model, format, output, modelType, json };
        cmd.SetAction(r => Guard(() =>
        {
            var dir = r.GetValue(model)!;
            var fmt = r.GetValue(format)!;
            OutputPaths.RefuseInputFolderFile(r.GetValue(output)!, dir, "model folder's file");
            int words;
            // Only GloVe C's text file has layouts to choose from: refused rather than ignored elsewhere.
            if (fmt is "glove-bin" or "word2vec" or "word2vec-bin" && r.GetResult(modelType) is { Implicit: false }) throw new BadArgumentException($"--model-type applies to --format glove-txt only (GloVe C's text layouts), not to {fmt}");
            if (fmt is "glove-txt" or "glove-bin")
            {
                var pp = Path.Combine(dir, GloVeParameters.ParamsFile);
                if (!File.Exists(pp)) throw new MissingFileException($"{dir}: --format {fmt} writes GloVe C's parameters and needs {GloVeParameters.ParamsFile} (an imported model has only its centre vectors: use --format word2vec or word2vec-bin)");
                var p = GloVeParameters.Load(pp);
                var v = Vocabulary.Load(Path.Combine(dir, "vocab.txt"));
                if (fmt == "glove-txt") VectorExport.GloVeText(p, v.Words, r.GetValue(output)!, r.GetValue(modelType));
                else VectorExport.GloVeBinary(p, r.GetValue(output)!);
                words = v.Count;
            }
            else if (fmt is "word2vec" or "word2vec-bin")
                words = VectorFiles.Export(dir, VectorFiles.Parse(fmt), r.GetValue(output)!);
            else throw new BadArgumentException($"--format must be glove-txt, glove-bin, word2vec or word2vec-bin, got '{fmt}'");
            if (r.GetValue(json)) Output.WriteJson(w => { w.WriteString("format", fmt); w.WriteString("out", r.GetValue(output)); w.WriteNumber("words", words); });
            else Console.WriteLine($"{words:N0} vectors -> {r.GetValue(output)} ({fmt})");
            return 0;
        }));
        return cmd;
    }

    public static Command CreateImport()
    {
        var input = Required("--input", "Vector file: gensim/word2vec text or binary, or GloVe's vectors.txt (e.g. glove.6B.100d.txt)");
        var format = Required("--format", VectorFiles.Names);
        var output = Required("--out", "Model folder to write (vocab.txt with counts 1, vectors.safetensors); queries need --hold-fixed until variances exist");
        var json = Json();
        var cmd = new Command("import", "Make a model folder from word2vec, gensim or GloVe vector files") { input, format, output, json };
        cmd.SetAction(r => Guard(() =>
        {
            var fmt = VectorFiles.Parse(r.GetValue(format)!);
            int words = VectorFiles.Import(r.GetValue(input)!, fmt, r.GetValue(output)!);
            if (r.GetValue(json)) Output.WriteJson(w => { w.WriteString("format", r.GetValue(format)); w.WriteString("out", r.GetValue(output)); w.WriteNumber("words", words); });
            else Console.WriteLine($"{words:N0} vectors -> {r.GetValue(output)} (no counts, context vectors or covariances: queries need --hold-fixed)");
            return 0;
        }));
        return cmd;
    }
}
