namespace GloVeV.Native;

/// <summary>
/// Thin, checked wrappers over the backend for the symmetric problems GloVe-V needs. Matrices are dense n x n,
/// column-major (for symmetric matrices the layout only decides which triangle is "lower").
/// </summary>
public static unsafe class DenseLinearAlgebra
{
    const int ColMajor = 102, Lower = 122, NoTrans = 111;

    /// <summary>C (n x n, lower triangle) = A^T A for a row-major k x n matrix A (k rows of length n).</summary>
    public static void GramLower(double* a, int k, int n, double* c, BlasBackend? b = null)
    {
        b ??= BlasBackend.Current;
        // A row-major k x n is a column-major n x k matrix with lda = n, so A^T A is SYRK "NoTrans" on it.
        b.cblas_dsyrk(ColMajor, Lower, NoTrans, n, k, 1.0, a, n, 0.0, c, n);
    }

    /// <summary>C (column-major, leading dimension <paramref name="ldc"/>, upper triangle of its first n columns) += A^T A
    /// for a row-major k x n matrix A with row stride <paramref name="lda"/>: the rows of C hold the lower triangle
    /// row-major.</summary>
    public static void GramAccumulateUpper(double* a, int k, int n, int lda, double* c, int ldc, BlasBackend? b = null)
    {
        b ??= BlasBackend.Current;
        const int Upper = 121;
        b.cblas_dsyrk(ColMajor, Upper, NoTrans, n, k, 1.0, a, lda, 1.0, c, ldc);
    }

    /// <summary>y = alpha op(A) x + beta y for a row-major k x n matrix A: op = A (x has n, y has k) or A^T (x has k, y has n).</summary>
    public static void Gemv(bool transpose, double* a, int k, int n, double alpha, double* x, double beta, double* y, BlasBackend? b = null)
    {
        b ??= BlasBackend.Current;
        const int RowMajor = 101, Trans = 112;
        b.cblas_dgemv(RowMajor, transpose ? Trans : NoTrans, k, n, alpha, a, n, x, 1, beta, y, 1);
    }

    /// <summary>1-norm of a full symmetric matrix (max column sum of absolute values).</summary>
    public static double NormOneFull(double* a, int n)
    {
        double max = 0;
        for (int col = 0; col < n; col++)
        {
            double s = 0;
            for (int row = 0; row < n; row++) s += Math.Abs(a[(long)col * n + row]);
            max = Math.Max(max, s);
        }
        return max;
    }

    /// <summary>C = A B for column-major matrices (m x k)(k x n).</summary>
    public static void Gemm(int m, int n, int k, double* a, double* bm, double* c, BlasBackend? b = null)
    {
        b ??= BlasBackend.Current;
        b.cblas_dgemm(ColMajor, NoTrans, NoTrans, m, n, k, 1.0, a, m, bm, k, 0.0, c, m);
    }

    /// <summary>C = Aᵀ B for column-major matrices, A (k x m), B (k x n): with A a row-major m x k array, C = A B.</summary>
    public static void GemmTransA(int m, int n, int k, double* a, double* bm, double* c, BlasBackend? b = null)
    {
        const int Trans = 112;
        b ??= BlasBackend.Current;
        b.cblas_dgemm(ColMajor, Trans, NoTrans, m, n, k, 1.0, a, k, bm, k, 0.0, c, m);
    }

    /// <summary>1-norm of a symmetric matrix from its lower triangle.</summary>
    public static double NormOne(double* a, int n, double* work, BlasBackend? b = null)
    {
        b ??= BlasBackend.Current;
        byte norm = (byte)'1', uplo = (byte)'L';
        return b.dlansy(&norm, &uplo, &n, a, &n, work, 1, 1);
    }

    /// <summary>In-place Cholesky factor (lower, or upper with <paramref name="upper"/>; leading dimension
    /// <paramref name="lda"/>, default n). Returns LAPACK's info: 0 ok, &gt;0 not positive definite. The upper factor of a
    /// column-major matrix is the lower factor of the same memory read row-major.</summary>
    public static int Cholesky(double* a, int n, BlasBackend? b = null, int lda = 0, bool upper = false)
    {
        b ??= BlasBackend.Current;
        byte uplo = upper ? (byte)'U' : (byte)'L'; int info = 0;
        if (lda < n) lda = n;
        b.dpotrf(&uplo, &n, a, &lda, &info, 1);
        return info;
    }

    /// <summary>Reciprocal condition estimate (1-norm) from a Cholesky factor; work needs 3n doubles, iwork n ints.</summary>
    public static double ReciprocalCondition(double* factor, int n, double anorm, double* work, int* iwork, BlasBackend? b = null)
    {
        b ??= BlasBackend.Current;
        byte uplo = (byte)'L'; int info = 0; double rcond = 0;
        b.dpocon(&uplo, &n, factor, &n, &anorm, &rcond, work, iwork, &info, 1);
        if (info != 0) throw new GloVeVException($"dpocon failed (info={info})");
        return rcond;
    }

    /// <summary>Overwrites a Cholesky factor with the full symmetric inverse.</summary>
    public static void InverseFromCholesky(double* a, int n, BlasBackend? b = null)
    {
        b ??= BlasBackend.Current;
        byte uplo = (byte)'L'; int info = 0;
        b.dpotri(&uplo, &n, a, &n, &info, 1);
        if (info != 0) throw new GloVeVException($"dpotri failed (info={info})");
        SymmetrizeFromLower(a, n);
    }

    /// <summary>Solves (L L^T) x = rhs in place, given the lower Cholesky factor.</summary>
    public static void SolveCholesky(double* factor, int n, double* rhs, BlasBackend? b = null, int lda = 0, bool upper = false)
    {
        b ??= BlasBackend.Current;
        byte uplo = upper ? (byte)'U' : (byte)'L'; int one = 1, info = 0;
        if (lda < n) lda = n;
        b.dpotrs(&uplo, &n, &one, factor, &lda, rhs, &n, &info, 1);
        if (info != 0) throw new GloVeVException($"dpotrs failed (info={info})");
    }

    /// <summary>
    /// One 64-byte aligned native block cut into aligned pieces. MKL picks kernels by the operands' alignment, so
    /// LAPACK on GC arrays (wherever the heap put them) differs in the last bits from run to run; the eigen solvers
    /// work on aligned copies so every output of glovev is reproducible (byte-identical reruns; an interrupted
    /// publish is told apart from a finished one by content).
    /// </summary>
    ref struct AlignedScratch
    {
        readonly byte* _base;
        readonly bool _owned;
        long _used;
        // One block per thread, reused by the small solvers called once a word (RitzTopSingle, SymmetricEigenTop): a fresh
        // ~200 KB native block per call cost page faults and zeroing (about 5% of the compact choice in perf record).
        // A pinned GC array, so a thread that ends leaves nothing behind.
        [ThreadStatic] static byte[]? t_block;
        [ThreadStatic] static bool t_busy;

        public AlignedScratch(long bytes) { _base = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)Math.Max(64, bytes), 64); _owned = true; }

        AlignedScratch(byte* block) { _base = block; _owned = false; }

        /// <summary>The calling thread's reusable block of at least <paramref name="bytes"/> (a fresh one when the
        /// thread's block is in use further up the stack).</summary>
        public static AlignedScratch OfThread(long bytes)
        {
            if (t_busy) return new AlignedScratch(bytes);
            if (t_block == null || t_block.Length < bytes + 64)
                t_block = GC.AllocateUninitializedArray<byte>((int)Math.Min(int.MaxValue, Math.Max(bytes, 1L << 16) * 5 / 4 + 64), pinned: true);
            byte* p = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(t_block));
            t_busy = true;
            return new AlignedScratch((byte*)(((nint)p + 63) & ~(nint)63));
        }

        /// <summary>Bytes a block needs for pieces of these sizes (each rounded up to 64).</summary>
        public static long Size(params ReadOnlySpan<long> pieces)
        {
            long sum = 0;
            foreach (var p in pieces) sum += (p + 63) & ~63L;
            return sum;
        }
        public T* Take<T>(long count) where T : unmanaged
        {
            var p = (T*)(_base + _used);
            _used += (count * sizeof(T) + 63) & ~63L;
            return p;
        }
        public void Dispose()
        {
            if (_owned) System.Runtime.InteropServices.NativeMemory.AlignedFree(_base);
            else t_busy = false;
        }
    }

    /// <summary>Eigen-decomposition of a symmetric matrix (lower triangle read): a becomes the eigenvectors
    /// (columns), w the eigenvalues ascending.</summary>
    public static void SymmetricEigen(double* a, int n, double* w, BlasBackend? b = null)
    {
        b ??= BlasBackend.Current;
        byte jobz = (byte)'V', uplo = (byte)'L'; int info = 0;
        int lwork = Math.Max(1, 66 * n);
        long nn = (long)n * n;
        using (var scratch = new AlignedScratch(AlignedScratch.Size(nn * 8, n * 8L, lwork * 8L)))
        {
            double* sa = scratch.Take<double>(nn), sw = scratch.Take<double>(n), swork = scratch.Take<double>(lwork);
            Buffer.MemoryCopy(a, sa, nn * sizeof(double), nn * sizeof(double));
            b.dsyev(&jobz, &uplo, &n, sa, &n, sw, swork, &lwork, &info, 1, 1);
            Buffer.MemoryCopy(sa, a, nn * sizeof(double), nn * sizeof(double));
            Buffer.MemoryCopy(sw, w, (long)n * sizeof(double), (long)n * sizeof(double));
        }
        if (info != 0) throw new GloVeVException($"dsyev failed to converge (info={info})");
    }

    /// <summary>
    /// The <paramref name="count"/> largest eigenvalues of the symmetric <paramref name="a"/> (n x n, lower triangle
    /// read; left intact) into <paramref name="w"/> ascending, with their eigenvectors as the columns of
    /// <paramref name="z"/> (n x count, column-major) unless z is null; count = n with z null gives all eigenvalues
    /// alone. LAPACK's MRRR solver (dsyevr) computes only what is asked: the values of a matrix cost a fraction of its
    /// eigenvectors, and a few vectors a fraction of all of them.
    /// </summary>
    public static void SymmetricEigenTop(double* a, int n, int count, double* w, double* z, BlasBackend? b = null)
    {
        b ??= BlasBackend.Current;
        if (count < 1 || count > n) throw new ArgumentOutOfRangeException(nameof(count));
        byte jobz = z == null ? (byte)'N' : (byte)'V', range = count == n ? (byte)'A' : (byte)'I', uplo = (byte)'L';
        int il = n - count + 1, iu = n, m = 0, info = 0, lwork = 26 * n, liwork = 10 * n, ldz = n;
        double vl = 0, vu = 0, abstol = 0;
        long nn = (long)n * n, nz = z == null ? 0 : (long)n * count;
        using var scratch = AlignedScratch.OfThread(AlignedScratch.Size(nn * 8, n * 8L, nz * 8, lwork * 8L, 2L * n * 4, liwork * 4L));
        double* ca = scratch.Take<double>(nn), cw = scratch.Take<double>(n), cz = scratch.Take<double>(nz), work = scratch.Take<double>(lwork);
        int* isuppz = scratch.Take<int>(2L * n), iwork = scratch.Take<int>(liwork);
        Buffer.MemoryCopy(a, ca, nn * sizeof(double), nn * sizeof(double));
        b.dsyevr(&jobz, &range, &uplo, &n, ca, &n, &vl, &vu, &il, &iu, &abstol, &m, cw, z == null ? cw : cz, &ldz, isuppz,
            work, &lwork, iwork, &liwork, &info, 1, 1, 1);
        if (info != 0) throw new GloVeVException($"dsyevr failed (info={info})");
        if (m != count) throw new GloVeVException($"dsyevr returned {m} eigenvalues, asked for {count}");
        Buffer.MemoryCopy(cw, w, (long)count * sizeof(double), (long)count * sizeof(double));
        if (z != null) Buffer.MemoryCopy(cz, z, nz * sizeof(double), nz * sizeof(double));
    }

    /// <summary>
    /// Rayleigh-Ritz on a power-iterated block of the symmetric positive semi-definite <paramref name="a"/> (n x n, both
    /// triangles filled, left intact), in single precision: the subspace is span(A^(powers + 1) E), E the k coordinate
    /// directions with the largest diagonal entries (ties to the lower index), and <paramref name="theta"/> receives its k
    /// Ritz values ascending, <paramref name="u"/> their vectors as columns (n x k, column-major, orthonormal). With U
    /// orthonormal and UᵀAU = diag(θ), ||A - U_r Θ_r U_rᵀ||²_F = ||A||²_F - Σ_{i≤r} θ_i², so a caller can state what a
    /// truncation keeps without the exact eigenvectors. Why A E as the start: its columns are columns of A, a power step
    /// that costs no product, and the columns with the largest diagonals carry the most of A's leading directions; the
    /// start is a function of A alone, so the result does not depend on which word came before. All GEMM and one QR: on
    /// small matrices several times cheaper than a tridiagonal reduction.
    /// Single precision (SGEMM, SGEQRF/SORGQR, SSYEVD on a copy scaled by the largest diagonal entry, so nothing under-
    /// or overflows) because the compact-form search needs no more: the values come back within ~1e-7 of the largest
    /// eigenvalue and the vectors orthonormal to ~1e-6, so the identity above holds to ~1e-6 of ||A||²_F; it made the
    /// search ~30% cheaper than in double (GloVeV.Bench compact).
    /// </summary>
    public static void RitzTopSingle(double* a, int n, int k, int powers, double* theta, double* u, BlasBackend? b = null)
    {
        b ??= BlasBackend.Current;
        if (k < 1 || k > n) throw new ArgumentOutOfRangeException(nameof(k));
        long nk = (long)n * k, kk = (long)k * k, nn = (long)n * n;
        int lwork = Math.Max(1, 64 * k), info = 0, ld = n;
        int lworkEig = 1 + 6 * k + 2 * k * k, liworkEig = 3 + 5 * k;
        // Every operand in aligned scratch, as everywhere here: MKL's results may depend on the alignment of its operands,
        // and the caller's matrix sits at an arbitrary offset of a chunk buffer.
        using var scratch = AlignedScratch.OfThread(AlignedScratch.Size(nn * 4, nk * 4, nk * 4, k * 4L, lwork * 4L, kk * 4, k * 4L, lworkEig * 4L, liworkEig * 4L, n * 4L, n * 8L));
        float* ca = scratch.Take<float>(nn);
        float* q = scratch.Take<float>(nk), y = scratch.Take<float>(nk), tau = scratch.Take<float>(k), work = scratch.Take<float>(lwork);
        float* bm = scratch.Take<float>(kk), w = scratch.Take<float>(k), ework = scratch.Take<float>(lworkEig);
        int* eiwork = scratch.Take<int>(liworkEig), order = scratch.Take<int>(n);
        // The largest diagonal entry is the largest entry of a positive semi-definite matrix; any entry when rounding
        // left the diagonal without one.
        double* diag = scratch.Take<double>(n);
        double top = 0;
        for (int i = 0; i < n; i++) top = Math.Max(top, Math.Abs(diag[i] = a[(long)i * n + i]));
        if (top == 0) for (long i = 0; i < nn; i++) top = Math.Max(top, Math.Abs(a[i]));
        if (top == 0 || !double.IsFinite(top)) top = 1;
        Simd.ScaleToSingle(new ReadOnlySpan<double>(a, (int)nn), 1 / top, new Span<float>(ca, (int)nn));
        // The k largest diagonal entries by partial selection (k <= n, both small); their columns of A start the block.
        for (int i = 0; i < n; i++) order[i] = i;
        for (int j = 0; j < k; j++)
        {
            int best = j;
            double db = diag[order[j]];
            for (int i = j + 1; i < n; i++)
            {
                double di = diag[order[i]];
                if (di > db || (di == db && order[i] < order[best])) { best = i; db = di; }
            }
            (order[j], order[best]) = (order[best], order[j]);
            Buffer.MemoryCopy(ca + (long)order[j] * n, q + (long)j * n, n * 4L, n * 4L);
        }
        const int colMajor = 102, noTrans = 111, trans = 112;
        // y = A^powers q, alternating buffers, then one QR: the orthonormal basis is exact whatever the powers do to the
        // columns' conditioning (they only decide how well the subspace holds the leading directions).
        for (int it = 0; it < powers; it++)
        {
            b.cblas_sgemm(colMajor, noTrans, noTrans, n, k, n, 1f, ca, n, q, n, 0f, y, n);
            var t = q; q = y; y = t;
        }
        b.sgeqrf(&n, &k, q, &ld, tau, work, &lwork, &info);
        if (info != 0) throw new GloVeVException($"sgeqrf failed (info={info})");
        b.sorgqr(&n, &k, &k, q, &ld, tau, work, &lwork, &info);
        if (info != 0) throw new GloVeVException($"sorgqr failed (info={info})");
        // B = qᵀ A q (k x k), its eigenpairs, u = q V; the values scaled back.
        b.cblas_sgemm(colMajor, noTrans, noTrans, n, k, n, 1f, ca, n, q, n, 0f, y, n);
        b.cblas_sgemm(colMajor, trans, noTrans, k, k, n, 1f, q, n, y, n, 0f, bm, k);
        byte jobz = (byte)'V', uplo = (byte)'L';
        b.ssyevd(&jobz, &uplo, &k, bm, &k, w, ework, &lworkEig, eiwork, &liworkEig, &info, 1, 1);
        if (info != 0) throw new GloVeVException($"ssyevd failed to converge (info={info})");
        b.cblas_sgemm(colMajor, noTrans, noTrans, n, k, k, 1f, q, n, bm, k, 0f, y, n);
        for (long i = 0; i < nk; i++) u[i] = y[i];
        for (int i = 0; i < k; i++) theta[i] = w[i] * top;
    }

    /// <summary>Copies the lower triangle to the upper one (column-major).</summary>
    public static void SymmetrizeFromLower(double* a, int n)
    {
        for (int col = 0; col < n; col++)
            for (int row = col + 1; row < n; row++)
                a[row * n + col] = a[col * n + row];
    }

    /// <summary>Managed convenience: inverse of a symmetric positive definite matrix (row- or column-major alike).</summary>
    public static double[] InverseSpd(double[] matrix, int n)
    {
        if (matrix.Length != n * n) throw new GloVeVException($"matrix has {matrix.Length} entries, expected {n}x{n}");
        var a = (double[])matrix.Clone();
        fixed (double* p = a)
        {
            int info = Cholesky(p, n);
            if (info != 0) throw new GloVeVException($"matrix is not positive definite (leading minor {info})");
            InverseFromCholesky(p, n);
        }
        return a;
    }
}
