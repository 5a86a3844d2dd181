namespace GloVeV;

/// <summary>The thread counts every stage accepts. Each worker holds buffers of its own (a corpus block, a dense block, a
/// covariance's working set), so a count far beyond any machine's cores only exhausts memory: 100,000 vocabulary threads
/// took 10 GB on a corpus of a few kilobytes, and int.MaxValue ended in "out of memory" or ran on unbounded.</summary>
public static class ThreadLimit
{
    public const int Max = 1024;

    public static void Check(int threads)
    {
        if (threads < 1 || threads > Max) throw new BadArgumentException($"threads must be between 1 and {Max}, got {threads}");
    }
}
