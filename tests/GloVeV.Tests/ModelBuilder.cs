using GloVeV.Cooccurrence;
using GloVeV.IO;
using GloVeV.Text;
using GloVeV.Training;

namespace GloVeV.Tests;

/// <summary>Writes a small model folder (vocab.txt, vectors.safetensors, variances/) from given vectors and covariances.</summary>
static class ModelBuilder
{
    public static string Write(IReadOnlyList<string> words, double[][] vectors, Func<int, double[]?> covariance)
    {
        var dir = TestPaths.TempDir();
        int d = vectors[0].Length;
        new Vocabulary(words, words.Select(_ => 10L).ToList()).Save(Path.Combine(dir, "vocab.txt"));
        var flat = vectors.SelectMany(v => v.Select(x => (float)x)).ToArray();
        SafeTensorsWriter.WriteAll(Path.Combine(dir, "vectors.safetensors"), [(new TensorSpec("center_vectors", TensorDType.F32, [words.Count, d]), w => w.Write<float>(flat))]);
        var vd = Path.Combine(dir, "variances");
        Directory.CreateDirectory(vd);
        var ids = Enumerable.Range(0, words.Count).Where(i => covariance(i) != null).ToList();
        var data = ids.SelectMany(i => covariance(i)!).ToArray();
        SafeTensorsWriter.WriteAll(Path.Combine(vd, "completechunk_0.safetensors"), [(new TensorSpec("variances", TensorDType.F64, [ids.Count, d, d]), w => w.Write<double>(data))]);
        File.WriteAllLines(Path.Combine(vd, "chunk_map.txt"), ids.Select((id, l) => $"{words[id]}\t{id}\t0\t{l}"));
        return dir;
    }

    /// <summary>A tiny trained model from a synthetic corpus (V = 23, D = 3, window 4, 3 epochs): its folder, the model
    /// folder and the co-occurrence folder, for tests of the stages' folders rather than their numbers.</summary>
    public static (string Dir, string Model, string Cooc) Trained()
    {
        var dir = TestPaths.TempDir();
        var corpus = TestPaths.WriteCorpus(dir, string.Join("\n", Enumerable.Range(0, 400).Select(k => string.Join(' ', Enumerable.Range(0, 12).Select(j => $"w{(k * 7 + j * 3) % 23}")))));
        var vocab = VocabularyBuilder.Build(corpus, new VocabularyOptions { MinCount = 1 }).Vocabulary;
        vocab.Save(Path.Combine(dir, "vocab.txt"));
        var cooc = Path.Combine(dir, "cooc");
        CooccurrenceCounter.Count(corpus, vocab, cooc, new CooccurrenceOptions { Window = 4, Threads = 1 });
        var model = Path.Combine(dir, "model");
        ModelTraining.Train(cooc, Path.Combine(dir, "vocab.txt"), model, new TrainingOptions { Dim = 3, Epochs = 3, Threads = 1 });
        return (dir, model, cooc);
    }

    public static double[] Isotropic(int d, double s2)
    {
        var m = new double[d * d];
        for (int q = 0; q < d; q++) m[q * d + q] = s2;
        return m;
    }
}
