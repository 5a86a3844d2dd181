using System.CommandLine;
using GloVeV.IO;
using GloVeV.Text;
using GloVeV.Training;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

static class ExportCommand
{
    public static Command Create()
    {
        var model = Required("--model", "Model folder");
        var format = Required("--format", "glove-txt | glove-bin | word2vec");
        var output = Required("--out", "Output file");
        var modelType = Int("--model-type", "GloVe C text layout: 0 = W,b,C,c~; 1 = W; 2 = W + C", 2);
        var json = Json();
        var cmd = new Command("export", "Export vectors in GloVe C or word2vec formats") { model, format, output, modelType, json };
        cmd.SetAction(r => Guard(() =>
        {
            var dir = r.GetValue(model)!;
            var p = GloVeParameters.Load(Path.Combine(dir, GloVeParameters.ParamsFile));
            var v = Vocabulary.Load(Path.Combine(dir, "vocab.txt"));
            var fmt = r.GetValue(format)!;
            switch (fmt)
            {
                case "glove-txt": VectorExport.GloVeText(p, v.Words, r.GetValue(output)!, r.GetValue(modelType)); break;
                case "glove-bin": VectorExport.GloVeBinary(p, r.GetValue(output)!); break;
                case "word2vec": VectorExport.Word2VecText(p, v.Words, r.GetValue(output)!); break;
                default: throw new GloVeVException($"--format must be glove-txt, glove-bin or word2vec, got '{fmt}'");
            }
            if (r.GetValue(json)) Output.WriteJson(w => { w.WriteString("format", fmt); w.WriteString("out", r.GetValue(output)); w.WriteNumber("words", v.Count); });
            else Console.WriteLine($"{v.Count:N0} vectors -> {r.GetValue(output)} ({fmt})");
            return 0;
        }));
        return cmd;
    }
}
