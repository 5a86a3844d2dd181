using GloVeV.Training;

namespace GloVeV.IO;

/// <summary>Numerical guards around training.</summary>
public static class TrainingGuards
{
    /// <summary>Cost growth over the first reported epoch's cost at which training is declared divergent.</summary>
    public const double DivergenceFactor = 1e6;
    /// <summary>Per-entry cost beyond which no GloVe run is converging.</summary>
    public const double AbsoluteLimit = 1e10;

    /// <summary>Wraps an epoch callback: a non-finite cost, or one more than <see cref="DivergenceFactor"/> times the
    /// first epoch's, stops training with an error instead of running on to a meaningless model.</summary>
    public static Action<EpochReport> WatchDivergence(Action<EpochReport>? inner)
    {
        double first = double.NaN;
        return e =>
        {
            if (!double.IsFinite(e.Cost))
                throw new GloVeVException($"training diverged at epoch {e.Epoch} (cost is {e.Cost}); lower eta or x_max");
            // The cost is per non-zero: with log co-occurrences of at most ~30 a sane run starts below ~1e3.
            if (e.Cost > AbsoluteLimit)
                throw new GloVeVException($"training diverged at epoch {e.Epoch}: cost {e.Cost:G4} per co-occurrence entry; lower eta (or x_max) and train again");
            if (double.IsNaN(first)) first = e.Cost;
            else if (e.Cost > DivergenceFactor * Math.Max(first, 1e-300))
                throw new GloVeVException($"training diverged at epoch {e.Epoch}: cost {e.Cost:G4} is more than {DivergenceFactor:G0} times the first epoch's {first:G4}; lower eta (or x_max) and train again");
            inner?.Invoke(e);
        };
    }
}
