using GloVeV.Cooccurrence;
using GloVeV.Text;
using GloVeV.Training;

namespace GloVeV.IO;

/// <summary>What the stages that re-fit word rows need from a trained model folder and its co-occurrence folder
/// (variances, calibrate): the vocabulary, all four parameter blocks and the matrix, checked to belong together.</summary>
public sealed class TrainedModelInputs : IDisposable
{
    public Vocabulary Vocabulary { get; }
    public GloVeParameters Parameters { get; }
    public CsrMatrix Matrix { get; }

    TrainedModelInputs(Vocabulary v, GloVeParameters p, CsrMatrix x) { Vocabulary = v; Parameters = p; Matrix = x; }

    /// <param name="missingParams">Said when the folder has no params.safetensors (what the caller needs it for).</param>
    public static TrainedModelInputs Open(string modelDir, string cooccurDir, string missingParams)
    {
        var vocabPath = Path.Combine(modelDir, "vocab.txt");
        var paramsPath = Path.Combine(modelDir, GloVeParameters.ParamsFile);
        if (!File.Exists(paramsPath)) throw new MissingFileException($"{modelDir}: no {GloVeParameters.ParamsFile} ({missingParams})");
        var vocab = Vocabulary.Load(vocabPath);
        Provenance.CheckParamsAndVectors(modelDir);
        var p = GloVeParameters.Load(paramsPath);
        if (p.VocabSize != vocab.Count) throw new GloVeVException($"{paramsPath}: parameters have {p.VocabSize} rows but {vocabPath} has {vocab.Count} words");
        var x = CsrMatrix.OpenDirectory(cooccurDir, vocab, vocabPath);
        try { Provenance.CheckParams(p.Metadata, paramsPath, vocab, vocabPath, x); }
        catch { x.Dispose(); throw; }
        return new TrainedModelInputs(vocab, p, x);
    }

    public void Dispose() => Matrix.Dispose();
}
