using System.Runtime.InteropServices;
using TorchSharp;

namespace GloVeV.Training.Torch;

/// <summary>Loads libtorch once, with a clear error when it cannot, and pins its thread pools: libtorch's own
/// default (all cores for intra-op plus an inter-op pool) oversubscribes small machines badly.</summary>
public static partial class TorchRuntime
{
    // glibc returns every freed block above the (dynamic) mmap threshold to the kernel, so each mini-batch's
    // temporaries were page-faulted in afresh: a third of the CPU time went to the kernel. Keeping them in the heap
    // made epochs on KJV 1.4-2x faster.
    const int MallocTrimThreshold = -1, MallocMmapThreshold = -3;
    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int param, int value);
    static bool _mallocTuned;

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    /// <summary>Hands freed heap memory back to the kernel. libtorch's 64-byte-aligned CPU allocations fragment glibc's
    /// heap so that freed batch temporaries are not reused: without this, RSS grew ~0.4 GB per KJV epoch and a
    /// gutenberg_10M run was killed at 24 GB; with a trim every few batches it stays flat.</summary>
    public static void ReleaseFreedHeap()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { MallocTrim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    static void KeepBatchTemporariesInTheHeap()
    {
        if (_mallocTuned || !OperatingSystem.IsLinux()) return;
        _mallocTuned = true;
        try { MallOpt(MallocMmapThreshold, 32 << 20); MallOpt(MallocTrimThreshold, 1 << 30); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // not glibc: leave it
    }

    static readonly object Gate = new();
    static bool _interopSet;

    public static void Initialize(int threads)
    {
        lock (Gate)
        {
            KeepBatchTemporariesInTheHeap();
            try
            {
                torch.set_num_threads(threads);
                if (!_interopSet)
                {
                    _interopSet = true;
                    // May only be set before libtorch first runs inter-op work; a second process-wide set would throw.
                    try { torch.set_num_interop_threads(1); } catch (Exception) { }
                }
            }
            catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException)
            {
                var inner = e is TypeInitializationException { InnerException: { } ie } ? ie.Message : e.Message;
                throw new GloVeVException("the torch backend could not load libtorch: " + inner +
                    " (libLibTorchSharp.so and the libtorch libraries must sit next to the program; on Debian 12 the copy of " +
                    "libLibTorchSharp.so must be the one patched by scripts/torch/weaken_glibcxx.py, see scripts/build-torch.sh)");
            }
        }
    }

    public static torch.Device Resolve(string device) => device switch
    {
        "cpu" => torch.CPU,
        "cuda" => torch.cuda.is_available() ? torch.CUDA
            : throw new GloVeVException("--device cuda: libtorch sees no CUDA device (this build may carry the CPU-only libtorch; see perf/gpu-check.sh)"),
        "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
        _ => throw new GloVeVException($"--device must be auto, cpu or cuda, got '{device}'"),
    };
}
