using System.Globalization;
using System.Text;
using GloVeV.Training;

namespace GloVeV.IO;

/// <summary>Exports trained parameters in GloVe C's formats (word2vec and gensim files: <see cref="VectorFiles"/>).</summary>
public static class VectorExport
{
    /// <summary>GloVe C <c>vectors.txt</c>: model 0 = W and C rows with their biases, 1 = W only, 2 = W + C (GloVe C's default).</summary>
    public static void GloVeText(GloVeParameters p, IReadOnlyList<string> words, string path, int model = 2)
    {
        if (model is < 0 or > 2) throw new GloVeVException($"model_type must be 0, 1 or 2, got {model}");
        WriteText(path, null, words, p, (i, sb) =>
        {
            int d = p.Dim;
            var w = p.CenterRow(i); var c = p.ContextRow(i);
            switch (model)
            {
                case 0:
                    foreach (var x in w) Append(sb, x);
                    Append(sb, p.CenterBias[i]);
                    foreach (var x in c) Append(sb, x);
                    Append(sb, p.ContextBias[i]);
                    break;
                case 1: foreach (var x in w) Append(sb, x); break;
                default: for (int k = 0; k < d; k++) Append(sb, w[k] + c[k]); break;
            }
        });
    }

    /// <summary>GloVe C <c>vectors.bin</c>: all parameters as float64, word rows [w, b] then context rows [c, c~].</summary>
    public static void GloVeBinary(GloVeParameters p, string path)
    {
        using var f = new AtomicFile(path);
        var row = new double[p.Dim + 1];
        var bytes = new byte[row.Length * 8];
        void Put(ReadOnlySpan<float> v, float bias)
        {
            for (int k = 0; k < v.Length; k++) row[k] = v[k];
            row[^1] = bias;
            Buffer.BlockCopy(row, 0, bytes, 0, bytes.Length);
            f.Stream.Write(bytes);
        }
        for (int i = 0; i < p.VocabSize; i++) Put(p.CenterRow(i), p.CenterBias[i]);
        for (int i = 0; i < p.VocabSize; i++) Put(p.ContextRow(i), p.ContextBias[i]);
        f.Commit();
    }

    static void Append(StringBuilder sb, double x) { sb.Append(' '); sb.Append(x.ToString("G9", CultureInfo.InvariantCulture)); }

    static void WriteText(string path, string? header, IReadOnlyList<string> words, GloVeParameters p, Action<int, StringBuilder> row)
    {
        if (words.Count != p.VocabSize) throw new GloVeVException($"vocabulary has {words.Count} words, parameters {p.VocabSize} rows");
        using var f = new AtomicFile(path);
        using (var w = new StreamWriter(f.Stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" })
        {
            if (header != null) w.WriteLine(header);
            var sb = new StringBuilder();
            for (int i = 0; i < p.VocabSize; i++)
            {
                sb.Clear(); sb.Append(words[i]); row(i, sb);
                w.WriteLine(sb);
            }
        }
        f.Commit();
    }
}
