using System.Runtime.InteropServices;

namespace GloVeV.NativeExports;

// Layouts mirror include/glovev.h exactly; keep them in sync.

[StructLayout(LayoutKind.Sequential)]
unsafe struct TrainOptions
{
    public int Size, Dim, Epochs, Threads, CheckpointEvery, Resume;
    public double Eta, XMax, Alpha, GradClip, BiasEta;
    public ulong Seed;
    public int EpochsAuto, AlsSweeps;
    public double AlsTol, Ridge, AutoTol, AutoCos;
    public byte* InitFrom;
}

[StructLayout(LayoutKind.Sequential)]
struct VocabOptionsC { public int Size, Flags, Threads, Reserved; public long MinCount, MaxVocab; }

[StructLayout(LayoutKind.Sequential)]
struct CooccurOptionsC { public int Size, Window, Symmetric, DistanceWeighting, Flags, Threads; public long MemoryBytes; }

[StructLayout(LayoutKind.Sequential)]
struct VarianceOptionsC { public int Size, Threads, Complete, Refine; public double Approx; }

[StructLayout(LayoutKind.Sequential)]
struct QueryOptionsC { public int Size, Method; public double Level; public long Samples; public ulong Seed; public int HoldFixed, Approximate; }

[StructLayout(LayoutKind.Sequential)]
struct BenchmarkOptionsC { public int Size, HoldFixed; public long Samples; public ulong Seed; public double Level; public int Approximate, Reserved; }

[StructLayout(LayoutKind.Sequential)]
struct IntervalC { public double Estimate, Plugin, Mean, Sd, Lo, Hi, PValue; public int Method, Status, Flags, Reason; }

[StructLayout(LayoutKind.Sequential)]
struct DifferenceC { public double Diff, Plugin, Sd, Lo, Hi, Z, PValue; public int Method, Status, Flags, Reason; }

[StructLayout(LayoutKind.Sequential)]
struct NeighbourC { public long Index; public double Cosine, Estimate, Mean, Sd, Lo, Hi, PTopK, PDiffersFromNext; public int Status, Flags, Reason; }

[StructLayout(LayoutKind.Sequential)]
struct ReliabilityC { public long Contexts, Dof; public double NoiseRatio, CosTrainedWls; public int HasCovariance, Flags; }

[StructLayout(LayoutKind.Sequential)]
struct DefaultsC { public int Method, Reserved; public long Samples; public ulong Seed; public double Level; public long Permutations; public double OmittedTolerance; }

[StructLayout(LayoutKind.Sequential)]
struct NeighbourSearchC { public long Candidates, Searched, Draws; public double OmittedBound; }

[StructLayout(LayoutKind.Sequential)]
struct CorrelationC { public double Estimate, Sd, Lo, Hi, SdPairs, SdNoise, NoiseShift, Level; public long Replicates; }

[StructLayout(LayoutKind.Sequential)]
struct BenchmarkC { public long Pairs, Used, Oov, Words, FlaggedWords; public double Spearman, Pearson; public CorrelationC SpearmanCi, PearsonCi; public double SpearmanP, PearsonP; }

[StructLayout(LayoutKind.Sequential)]
struct BenchmarkComparisonC { public long Pairs, Replicates; public double SpearmanA, SpearmanB, Diff, Sd, Lo, Hi, PValue, SdPairs, SdNoise, Level; public int FlagsA, FlagsB; }

[StructLayout(LayoutKind.Sequential)]
struct WeatC { public double Statistic, EffectSize, PValue; public long Permutations; public int Exact, Reserved; public IntervalC EffectSizeCi, StatisticCi; }

[StructLayout(LayoutKind.Sequential)]
struct RndC { public double Value, Z, PValue; public long Neutral; public IntervalC Ci; }

[StructLayout(LayoutKind.Sequential)]
struct BiasDifferenceC { public double First, Second; public IntervalC Ci; }
