using System.Runtime.InteropServices;

namespace GloVeV.Native;

/// <summary>Which library serves BLAS/LAPACK.</summary>
public enum BlasKind { Mkl, OpenBlas }

/// <summary>
/// The BLAS/LAPACK entry points the engine uses, resolved at run time from Intel MKL (libmkl_rt) or, when MKL is
/// absent or <c>GLOVEV_BLAS=openblas</c>, from OpenBLAS (which bundles LAPACK). Function pointers keep this
/// NativeAOT-safe. Both libraries run single-threaded: the engine parallelises across independent problems.
/// LAPACK is called through its Fortran interface (column-major, arguments by reference) so both libraries are
/// bound identically.
/// </summary>
public sealed unsafe class BlasBackend
{
    const int MklThreadingSequential = 1;
    const int MklInterfaceLp64 = 0;
    /// <summary>MKL_CBWR_AUTO (mkl_cbwr.h): reproducible results on one CPU type, with that CPU's best kernels.</summary>
    const int MklCbwrAuto = 2;

    public BlasKind Kind { get; }
    /// <summary>MKL runs its AVX-512 kernels on this CPU (<c>mkl_cbwr_get_auto_branch</c> is an AVX-512 branch): its DSYRK
    /// then outruns the engine's AVX2 Gram kernel, which a NativeAOT build for x86-64-v3 cannot widen (see
    /// <see cref="PackedGram"/>). False for OpenBLAS and for MKL's other branches (its generic path on AMD).</summary>
    public bool Avx512Kernels { get; }
    public string LibraryPath { get; }
    public string VersionString { get; }
    public string Name => Kind == BlasKind.Mkl ? "MKL" : "OpenBLAS";

    internal readonly delegate* unmanaged<int, int, int, int, int, double, double*, int, double, double*, int, void> cblas_dsyrk;
    internal readonly delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> cblas_dgemm;
    internal readonly delegate* unmanaged<int, int, int, int, double, double*, int, double*, int, double, double*, int, void> cblas_dgemv;
    internal readonly delegate* unmanaged<byte*, int*, double*, int*, int*, nint, void> dpotrf;
    internal readonly delegate* unmanaged<byte*, int*, double*, int*, int*, nint, void> dpotri;
    internal readonly delegate* unmanaged<byte*, int*, int*, double*, int*, double*, int*, int*, nint, void> dpotrs;
    internal readonly delegate* unmanaged<byte*, int*, double*, int*, double*, double*, double*, int*, int*, nint, void> dpocon;
    internal readonly delegate* unmanaged<byte*, byte*, int*, double*, int*, double*, nint, nint, double> dlansy;
    internal readonly delegate* unmanaged<byte*, byte*, int*, double*, int*, double*, double*, int*, int*, nint, nint, void> dsyev;
    // DSYEVR(JOBZ, RANGE, UPLO, N, A, LDA, VL, VU, IL, IU, ABSTOL, M, W, Z, LDZ, ISUPPZ, WORK, LWORK, IWORK, LIWORK, INFO)
    internal readonly delegate* unmanaged<byte*, byte*, byte*, int*, double*, int*, double*, double*, int*, int*, double*, int*, double*,
        double*, int*, int*, double*, int*, int*, int*, int*, nint, nint, nint, void> dsyevr;
    // Single precision, for the compact-form search only (see DenseLinearAlgebra.RitzTopSingle).
    // SSYEVD(JOBZ, UPLO, N, A, LDA, W, WORK, LWORK, IWORK, LIWORK, INFO)
    internal readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> cblas_sgemm;
    internal readonly delegate* unmanaged<byte*, byte*, int*, float*, int*, float*, float*, int*, int*, int*, int*, nint, nint, void> ssyevd;
    internal readonly delegate* unmanaged<int*, int*, float*, int*, float*, float*, int*, int*, void> sgeqrf;
    internal readonly delegate* unmanaged<int*, int*, int*, float*, int*, float*, float*, int*, int*, void> sorgqr;

    static readonly object Gate = new();
    static BlasBackend? _current;

    /// <summary>The process-wide backend, loaded on first use (honours GLOVEV_BLAS=mkl|openblas).</summary>
    public static BlasBackend Current
    {
        get
        {
            if (_current != null) return _current;
            lock (Gate) return _current ??= Load(Environment.GetEnvironmentVariable("GLOVEV_BLAS"));
        }
    }

    static readonly string[] MklNames = ["libmkl_rt.so", "libmkl_rt.so.2", "/usr/lib/x86_64-linux-gnu/libmkl_rt.so"];
    static readonly string[] OpenBlasNames = ["libopenblas.so.0", "libopenblas.so", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0"];

    internal static BlasBackend Load(string? forced)
    {
        forced = forced?.Trim().ToLowerInvariant();
        if (!string.IsNullOrEmpty(forced) && forced != "mkl" && forced != "openblas")
            throw new GloVeVException($"GLOVEV_BLAS must be 'mkl' or 'openblas', not '{forced}'");
        var errors = new List<string>();
        if (forced != "openblas")
        {
            if (TryOpen(MklNames, out var h, out var p)) return new BlasBackend(BlasKind.Mkl, h, p);
            errors.Add("MKL (libmkl_rt.so) not found");
            if (forced == "mkl") throw new GloVeVException("GLOVEV_BLAS=mkl but libmkl_rt.so could not be loaded; run scripts/bootstrap.sh");
        }
        if (TryOpen(OpenBlasNames, out var h2, out var p2)) return new BlasBackend(BlasKind.OpenBlas, h2, p2);
        errors.Add("OpenBLAS (libopenblas.so.0) not found");
        throw new GloVeVException("no BLAS/LAPACK backend: " + string.Join("; ", errors) + ". Run scripts/bootstrap.sh");
    }

    static bool TryOpen(string[] names, out nint handle, out string path)
    {
        foreach (var n in names)
            if (NativeLibrary.TryLoad(n, out handle)) { path = n; return true; }
        handle = 0; path = "";
        return false;
    }

    BlasBackend(BlasKind kind, nint lib, string path)
    {
        Kind = kind;
        LibraryPath = path;
        nint Sym(string name) => NativeLibrary.TryGetExport(lib, name, out var p)
            ? p : throw new GloVeVException($"{path} lacks the symbol {name}");
        if (kind == BlasKind.Mkl)
        {
            // The default (Intel OpenMP) threading layer aborts the process on this image; choose it before any call.
            ((delegate* unmanaged<int, int>)Sym("MKL_Set_Threading_Layer"))(MklThreadingSequential);
            ((delegate* unmanaged<int, int>)Sym("MKL_Set_Interface_Layer"))(MklInterfaceLp64);
            // Conditional numerical reproducibility, AUTO branch (the CPU's own kernels): without it the same query gave
            // other last bits on its second call in a process (MKL picks among kernels at run time), so the CLI, Python
            // and R differed by 1-20 ulp on one seed. No cost measured (compact search and DGEMM 1500 within noise). A user's
            // MKL_CBWR setting is left as it is.
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MKL_CBWR")))
                ((delegate* unmanaged<int, int>)Sym("MKL_CBWR_Set"))(MklCbwrAuto);
            var buf = stackalloc byte[257];
            new Span<byte>(buf, 257).Clear();
            ((delegate* unmanaged<byte*, int, void>)Sym("mkl_get_version_string"))(buf, 256);
            // MKL pads with blanks and may not terminate: keep the printable prefix.
            var raw = new ReadOnlySpan<byte>(buf, 256);
            int end = 0;
            while (end < raw.Length && raw[end] >= 0x20 && raw[end] < 0x7F) end++;
            VersionString = System.Text.Encoding.ASCII.GetString(raw[..end]).Trim();
            // mkl_cbwr.h: MKL_CBWR_AVX512 = 12, MKL_CBWR_AVX512_E1 = 14 and later; 11 and 13 are the Xeon Phi branches.
            int branch = ((delegate* unmanaged<int>)Sym("mkl_cbwr_get_auto_branch"))();
            Avx512Kernels = branch >= 12 && branch != 13;
        }
        else
        {
            ((delegate* unmanaged<int, void>)Sym("openblas_set_num_threads"))(1);
            var cfg = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint>)Sym("openblas_get_config"))()) ?? "";
            VersionString = cfg.Trim();
        }
        cblas_dsyrk = (delegate* unmanaged<int, int, int, int, int, double, double*, int, double, double*, int, void>)Sym("cblas_dsyrk");
        cblas_dgemm = (delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)Sym("cblas_dgemm");
        cblas_dgemv = (delegate* unmanaged<int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)Sym("cblas_dgemv");
        dpotrf = (delegate* unmanaged<byte*, int*, double*, int*, int*, nint, void>)Sym("dpotrf_");
        dpotri = (delegate* unmanaged<byte*, int*, double*, int*, int*, nint, void>)Sym("dpotri_");
        dpotrs = (delegate* unmanaged<byte*, int*, int*, double*, int*, double*, int*, int*, nint, void>)Sym("dpotrs_");
        dpocon = (delegate* unmanaged<byte*, int*, double*, int*, double*, double*, double*, int*, int*, nint, void>)Sym("dpocon_");
        dlansy = (delegate* unmanaged<byte*, byte*, int*, double*, int*, double*, nint, nint, double>)Sym("dlansy_");
        dsyev = (delegate* unmanaged<byte*, byte*, int*, double*, int*, double*, double*, int*, int*, nint, nint, void>)Sym("dsyev_");
        dsyevr = (delegate* unmanaged<byte*, byte*, byte*, int*, double*, int*, double*, double*, int*, int*, double*, int*, double*,
            double*, int*, int*, double*, int*, int*, int*, int*, nint, nint, nint, void>)Sym("dsyevr_");
        cblas_sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)Sym("cblas_sgemm");
        ssyevd = (delegate* unmanaged<byte*, byte*, int*, float*, int*, float*, float*, int*, int*, int*, int*, nint, nint, void>)Sym("ssyevd_");
        sgeqrf = (delegate* unmanaged<int*, int*, float*, int*, float*, float*, int*, int*, void>)Sym("sgeqrf_");
        sorgqr = (delegate* unmanaged<int*, int*, int*, float*, int*, float*, float*, int*, int*, void>)Sym("sorgqr_");
    }

    public override string ToString() => $"{Name} ({VersionString}) from {LibraryPath}";
}
