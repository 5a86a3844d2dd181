using System.Runtime.InteropServices;
using GloVeV.Native;
using Xunit;

namespace GloVeV.Tests;

public class BlasTests
{
    public static TheoryData<string> Backends => new() { "mkl", "openblas" };

    [Theory, MemberData(nameof(Backends))]
    public unsafe void SpdInverseMatchesTheLaplacianClosedForm(string backend)
    {
        var b = BlasBackend.Load(backend);
        Assert.Equal(backend == "mkl" ? BlasKind.Mkl : BlasKind.OpenBlas, b.Kind);
        const int n = 40;
        var a = new double[n * n];
        for (int i = 0; i < n; i++) { a[i * n + i] = 2; if (i > 0) { a[i * n + i - 1] = -1; a[(i - 1) * n + i] = -1; } }
        fixed (double* p = a)
        {
            Assert.Equal(0, DenseLinearAlgebra.Cholesky(p, n, b));
            DenseLinearAlgebra.InverseFromCholesky(p, n, b);
        }
        // (A^-1)_ij = min(i,j) (n+1-max(i,j)) / (n+1) for the 1-based [-1, 2, -1] tridiagonal matrix.
        for (int i = 1; i <= n; i++)
            for (int j = 1; j <= n; j++)
                Assert.Equal((double)Math.Min(i, j) * (n + 1 - Math.Max(i, j)) / (n + 1), a[(i - 1) * n + j - 1], 10);
    }

    [Theory, MemberData(nameof(Backends))]
    public unsafe void GramAndConditionAndEigenAgreeWithHandComputation(string backend)
    {
        var b = BlasBackend.Load(backend);
        // A (3 x 2 row-major): A^T A = [[1+9+25, 2+12+30], [., 4+16+36]] = [[35, 44], [44, 56]].
        double[] a = [1, 2, 3, 4, 5, 6];
        var c = new double[4];
        fixed (double* pa = a, pc = c) DenseLinearAlgebra.GramLower(pa, 3, 2, pc, b);
        Assert.Equal(35, c[0], 12); Assert.Equal(44, c[1], 12); Assert.Equal(56, c[3], 12);
        // diag(1, 1e-6): 1-norm condition number is 1e6.
        double[] d = [1, 0, 0, 1e-6];
        var work = new double[6]; var iwork = new int[2];
        fixed (double* pd = d, pw = work) fixed (int* pi = iwork)
        {
            double anorm = DenseLinearAlgebra.NormOne(pd, 2, pw, b);
            Assert.Equal(0, DenseLinearAlgebra.Cholesky(pd, 2, b));
            Assert.Equal(1e-6, DenseLinearAlgebra.ReciprocalCondition(pd, 2, anorm, pw, pi, b), 12);
        }
        double[] s = [2, 1, 1, 2];
        var w = new double[2];
        fixed (double* ps = s, pw = w) DenseLinearAlgebra.SymmetricEigen(ps, 2, pw, b);
        Assert.Equal(1, w[0], 12); Assert.Equal(3, w[1], 12);
    }

    [Fact]
    public unsafe void TopEigenpairsSatisfyTheirEquationsAndMatchTheFullSpectrum()
    {
        const int n = 30;
        var rng = new Random(3);
        var g = new double[n * n];
        for (int k = 0; k < g.Length; k++) g[k] = rng.NextDouble() - 0.5;
        var a = new double[n * n]; // G^T G + I: symmetric positive definite, distinct eigenvalues almost surely
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double t = i == j ? 1 : 0;
                for (int k = 0; k < n; k++) t += g[k * n + i] * g[k * n + j];
                a[i * n + j] = t;
            }
        var all = new double[n];
        fixed (double* pa = a, pw = all) DenseLinearAlgebra.SymmetricEigenTop(pa, n, n, pw, null);
        Assert.Equal(Enumerable.Range(0, n).Sum(i => a[i * n + i]), all.Sum(), 9); // trace = sum of eigenvalues
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First <= p.Second), "ascending");
        const int r = 4;
        var top = new double[r];
        var z = new double[n * r];
        fixed (double* pa = a, pt = top, pz = z) DenseLinearAlgebra.SymmetricEigenTop(pa, n, r, pt, pz);
        for (int e = 0; e < r; e++)
        {
            Assert.Equal(all[n - r + e], top[e], 9);
            // A z = lambda z, |z| = 1, checked by hand.
            double norm = 0;
            for (int i = 0; i < n; i++)
            {
                double az = 0;
                for (int j = 0; j < n; j++) az += a[i * n + j] * z[e * n + j];
                Assert.Equal(top[e] * z[e * n + i], az, 8);
                norm += z[e * n + i] * z[e * n + i];
            }
            Assert.Equal(1, norm, 10);
        }
        Assert.Equal(n * n, a.Length); // input left intact: the same call again agrees bit for bit
        var again = new double[r];
        fixed (double* pa = a, pt = again, pz = new double[n * r]) DenseLinearAlgebra.SymmetricEigenTop(pa, n, r, pt, pz);
        Assert.Equal(top, again);
    }

    public static TheoryData<string, double> BackendsAndScales => new() { { "mkl", 1e-20 }, { "mkl", 1e20 }, { "mkl", 1 }, { "openblas", 1e-20 }, { "openblas", 1e20 } };

    [Theory, MemberData(nameof(BackendsAndScales))]
    public unsafe void SinglePrecisionRitzPairsMatchAKnownSpectrum(string backend, double scale)
    {
        // A = H diag(λ) H with the Householder reflector H = I - 2vvᵀ/vᵀv (symmetric, orthogonal): the eigenvectors are
        // H's columns and λ_j = scale 0.6^j. At 1e-20 and 1e20 the fourth power of A under- or overflows single
        // precision, so the solver's scaling by the largest variance is what makes these pass.
        var b = BlasBackend.Load(backend);
        int n = 60, k = 14, powers = 3;
        var rng = new Random(3);
        var v = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double vv = v.Sum(x => x * x);
        double H(int i, int j) => (i == j ? 1 : 0) - 2 * v[i] * v[j] / vv;
        var lambda = Enumerable.Range(0, n).Select(j => scale * Math.Pow(0.6, j)).ToArray();
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double acc = 0;
                for (int e = 0; e < n; e++) acc += H(i, e) * lambda[e] * H(j, e);
                a[i * n + j] = acc;
            }
        var copy = (double[])a.Clone();
        var theta = new double[k];
        var u = new double[n * k];
        fixed (double* pa = a, pt = theta, pu = u) DenseLinearAlgebra.RitzTopSingle(pa, n, k, powers, pt, pu, b);
        Assert.Equal(copy, a); // left intact
        for (int e = 0; e < 6; e++)
        {
            // The e-th largest Ritz value and vector (ascending order, so from the end).
            Assert.True(Math.Abs(theta[k - 1 - e] - lambda[e]) <= 1e-6 * lambda[0], $"θ{e} = {theta[k - 1 - e]}, λ = {lambda[e]}");
            double dot = 0;
            for (int q = 0; q < n; q++) dot += u[(k - 1 - e) * n + q] * H(q, e);
            Assert.True(Math.Abs(Math.Abs(dot) - 1) <= 1e-4, $"vector {e}: |cos| = {Math.Abs(dot)}");
        }
        for (int e = 0; e < k; e++)
            for (int f = 0; f <= e; f++)
            {
                double dot = 0;
                for (int q = 0; q < n; q++) dot += u[e * n + q] * u[f * n + q];
                Assert.True(Math.Abs(dot - (e == f ? 1 : 0)) <= 1e-5, $"u{e}.u{f} = {dot}");
            }
    }

    [Fact]
    public void ScaleToSingleMatchesTheScalarConversionAtEveryTailLength()
    {
        for (int len = 0; len <= 19; len++)
        {
            var x = Enumerable.Range(0, len).Select(i => (i - 7.3) * 1e-3 * (i % 3 + 1)).ToArray();
            var y = new float[len];
            Simd.ScaleToSingle(x, 250.0, y);
            for (int i = 0; i < len; i++) Assert.Equal((float)(x[i] * 250.0), y[i]);
        }
    }

    [Fact]
    public void NotPositiveDefiniteIsAClearError()
    {
        var e = Assert.Throws<GloVeVException>(() => DenseLinearAlgebra.InverseSpd([1, 2, 2, 1], 2));
        Assert.Contains("not positive definite", e.Message);
    }

    [Fact]
    public void UnknownBackendNameIsRejected()
    {
        var e = Assert.Throws<GloVeVException>(() => BlasBackend.Load("atlas"));
        Assert.Contains("GLOVEV_BLAS", e.Message);
    }
}

/// <summary>Crosses the C ABI of the NativeAOT library from managed code, as a C caller would.</summary>
public unsafe class AbiTests
{
    static nint Lib()
    {
        var path = Environment.GetEnvironmentVariable("GLOVEV_LIB");
        if (string.IsNullOrEmpty(path)) path = Path.Combine(TestPaths.Repo, "build", "lib", "libglovev.so");
        Assert.True(File.Exists(path), $"libglovev.so not found at {path}: build with cmake first");
        return NativeLibrary.Load(path);
    }

    [Fact]
    public void SpdInverseAndErrorsThroughTheAbi()
    {
        var lib = Lib();
        var inv = (delegate* unmanaged<double*, long, double*, long, int>)NativeLibrary.GetExport(lib, "gv_spd_inverse");
        var err = (delegate* unmanaged<byte*>)NativeLibrary.GetExport(lib, "gv_last_error");
        double[] a = [4, 1.5, 1.5, 3];
        var r = new double[4];
        fixed (double* pa = a, pr = r) Assert.Equal(0, inv(pa, 2, pr, 4));
        double det = 12 - 2.25;
        Assert.Equal(3 / det, r[0], 14); Assert.Equal(-1.5 / det, r[1], 14); Assert.Equal(4 / det, r[3], 14);
        fixed (double* pr = r) Assert.Equal(1, inv(null, 2, pr, 4));
        Assert.Contains("NULL", Marshal.PtrToStringUTF8((nint)err()));
        fixed (double* pa = a, pr = r) Assert.Equal(4, inv(pa, 2, pr, 3));
        Assert.Contains("needed", Marshal.PtrToStringUTF8((nint)err()));
    }
}
