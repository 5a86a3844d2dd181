using GloVeV.Cooccurrence;
using GloVeV.Evaluation;
using GloVeV.IO;
using GloVeV.Text;
using GloVeV.Training;
using GloVeV.Variance;
using Xunit;

namespace GloVeV.Tests;

/// <summary>
/// Outputs never take what is not theirs: a folder replaced as a whole carries files it did not write and refuses one
/// holding folders; a single file is renamed over a regular file only (through a symbolic link to its target), never over
/// the command's own input; a run that writes no covariances does not replace covariances.
/// </summary>
public class OutputSafetyTests
{
    [Fact]
    public void TheVarianceStageNeverReplacesAFolderWithOtherThingsInIt()
    {
        var (_, model, cooc) = ModelBuilder.Trained();
        var parent = Path.GetDirectoryName(model)!;
        File.WriteAllText(Path.Combine(parent, "thesis.tex"), "mine");
        // --out . in a folder holding the model and the co-occurrence folders: refused, nothing touched.
        var e = Assert.Throws<GloVeVException>(() => VarianceEngine.Run(model, cooc, parent, new VarianceOptions { Threads = 1 }));
        Assert.Contains("did not write", e.Message);
        Assert.True(File.Exists(Path.Combine(model, GloVeParameters.ParamsFile)) && File.Exists(Path.Combine(parent, "thesis.tex")));
        // A folder with a stray file of someone else's: the file is carried into the new folder.
        var outDir = Path.Combine(parent, "vars");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "notes.txt"), "keep");
        VarianceEngine.Run(model, cooc, outDir, new VarianceOptions { Threads = 1 });
        Assert.Equal("keep", File.ReadAllText(Path.Combine(outDir, "notes.txt")));
        Assert.True(File.Exists(Path.Combine(outDir, "variance_info.tsv")));
        // A diagnostics-only run would drop the covariances now there: refused.
        Assert.Contains("holds covariances", Assert.Throws<GloVeVException>(() =>
            VarianceEngine.Run(model, cooc, outDir, new VarianceOptions { Threads = 1, Complete = false, ApproxTarget = 0 })).Message);
        Assert.NotEmpty(Directory.GetFiles(outDir, "completechunk_*.safetensors"));
    }

    [Fact]
    public void ACancelledTrainingLeavesNoEmptyModelFolder()
    {
        var (_, model, cooc) = ModelBuilder.Trained();
        var vocab = Path.Combine(Path.GetDirectoryName(model)!, "vocab.txt");
        var fresh = Path.Combine(Path.GetDirectoryName(model)!, "fresh");
        Assert.Throws<OperationCanceledException>(() => ModelTraining.Train(cooc, vocab, fresh, new TrainingOptions { Dim = 3, Epochs = 3, Threads = 1 },
            onEpoch: _ => throw new OperationCanceledException()));
        Assert.False(Directory.Exists(fresh));
        // An existing model folder is left as it was.
        Assert.Throws<OperationCanceledException>(() => ModelTraining.Train(cooc, vocab, model, new TrainingOptions { Dim = 3, Epochs = 3, Threads = 1 },
            onEpoch: _ => throw new OperationCanceledException()));
        Assert.True(File.Exists(Path.Combine(model, GloVeParameters.ParamsFile)));
    }

    [Fact]
    public void SingleFilesGoToRegularFilesOnlyAndNeverOverAnInput()
    {
        var dir = TestPaths.TempDir();
        var corpus = TestPaths.WriteCorpus(dir, "a b c a b\n");
        Assert.Contains("also the corpus", Assert.Throws<GloVeVException>(() => OutputPaths.RefuseInput(corpus, Path.Combine(dir, ".", "corpus.txt"), "corpus")).Message);
        var link = Path.Combine(dir, "link.txt");
        File.CreateSymbolicLink(link, corpus);
        Assert.Throws<GloVeVException>(() => OutputPaths.RefuseInput(link, corpus, "corpus"));
        // Written through a link to the file it names; the link stays a link.
        var target = Path.Combine(dir, "target.txt");
        File.WriteAllText(target, "old");
        var toTarget = Path.Combine(dir, "to-target.txt");
        File.CreateSymbolicLink(toTarget, target);
        AtomicFile.WriteAllText(toTarget, "new");
        Assert.Equal("new", File.ReadAllText(target));
        Assert.NotNull(new FileInfo(toTarget).LinkTarget);
        // A folder, a pipe or a device is refused with its name.
        Assert.Contains("is a folder", Assert.Throws<GloVeVException>(() => AtomicFile.WriteAllText(dir, "x")).Message);
        var fifo = Path.Combine(dir, "fifo");
        if (System.Diagnostics.Process.Start("mkfifo", fifo) is { } p) { p.WaitForExit(); }
        if (File.Exists(fifo)) Assert.Contains("not a regular file", Assert.Throws<GloVeVException>(() => AtomicFile.WriteAllText(fifo, "x")).Message);
        if (File.Exists("/dev/null")) Assert.Contains("not a regular file", Assert.Throws<GloVeVException>(() => OutputPaths.ForNewFile("/dev/null")).Message);
    }

    [Fact]
    public void CorporaWithANulByteAndBenchmarksWithoutACorrelationAreClearErrors()
    {
        var dir = TestPaths.TempDir();
        var nul = Path.Combine(dir, "nul.txt");
        File.WriteAllBytes(nul, [.. "a b\n"u8, .. "c\0d e\n"u8]);
        Assert.Contains("NUL byte at byte offset 5 (line 2)", Assert.Throws<GloVeVException>(() => VocabularyBuilder.Build(nul, new VocabularyOptions { MinCount = 1 })).Message);
        var inf = TestPaths.WriteCorpus(dir, "a b 1\nc d Infinity\n", "inf.txt");
        Assert.Contains("inf.txt:2: the score 'Infinity' is not a finite number", Assert.Throws<GloVeVException>(() => WordPairs.Load(inf)).Message);
    }
}
