namespace GloVeV.Bench;

/// <summary>Wall-clock timing of one in-process call, for the bench modes that print medians (neighbours, calibrated).</summary>
static class InProcessTiming
{
    /// <summary>Median of the samples (the upper one of an even count).</summary>
    public static double Median(List<double> t) { t.Sort(); return t[t.Count / 2]; }

    /// <summary>Milliseconds of <paramref name="n"/> calls, after one untimed call.</summary>
    public static List<double> Time(int n, Action a)
    {
        a();
        var t = new List<double>();
        for (int i = 0; i < n; i++) { var sw = System.Diagnostics.Stopwatch.StartNew(); a(); t.Add(sw.Elapsed.TotalMilliseconds); }
        return t;
    }
}
