using GloVeV.Evaluation;
using Xunit;

namespace GloVeV.Tests;

public class CorrelationPValueTests
{
    /// <summary>Against scipy.stats.t.sf (2 sf(|t|, n - 2)), computed outside this code base.</summary>
    [Theory]
    [InlineData(0.5, 10, 0.14111328125000003)]
    [InlineData(-0.3, 50, 0.03428618003292995)]
    [InlineData(0.05, 353, 0.34892898994225907)]
    [InlineData(0.99, 5, 0.0011986195114020068)]
    [InlineData(0.9, 3, 0.28713258625741245)]
    public void PValueMatchesStudentT(double r, int n, double expected) =>
        Assert.Equal(expected, Correlation.PValue(r, n), 1e-12 * Math.Max(1, 1 / expected) * expected + 1e-14);

    [Fact]
    public void PValueEdges()
    {
        Assert.Equal(0, Correlation.PValue(1, 10));
        Assert.Equal(1, Correlation.PValue(0, 10), 12);
        Assert.True(double.IsNaN(Correlation.PValue(0.5, 2)));
        Assert.True(double.IsNaN(Correlation.PValue(double.NaN, 20)));
        // I_x(a, b) closed forms: I_x(1, 1) = x, I_x(a, 1) = x^a.
        Assert.Equal(0.3, Correlation.RegularizedIncompleteBeta(0.3, 1, 1), 14);
        Assert.Equal(Math.Pow(0.6, 2.5), Correlation.RegularizedIncompleteBeta(0.6, 2.5, 1), 13);
        Assert.Equal(Math.Log(24), Correlation.LogGamma(5), 13);
        Assert.Equal(0.5 * Math.Log(Math.PI), Correlation.LogGamma(0.5), 13);
    }
}
