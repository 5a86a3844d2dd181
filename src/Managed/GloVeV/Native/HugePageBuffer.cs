using System.Runtime.InteropServices;

namespace GloVeV.Native;

/// <summary>
/// Native memory, 2 MiB-aligned, that Linux is asked to back with transparent huge pages (madvise MADV_HUGEPAGE; this
/// machine's THP mode is "madvise"). For tables read at random rows — the context vectors the variance engine gathers
/// from — 4 KiB pages cost a TLB miss on almost every row. Falls back silently to ordinary pages.
/// </summary>
public sealed unsafe partial class HugePageBuffer : IDisposable
{
    const nuint HugePage = 2 << 20;
    const int MadvHugePage = 14;

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int MAdvise(void* addr, nuint length, int advice);

    public void* Pointer { get; private set; }
    public nuint Bytes { get; }

    public HugePageBuffer(long bytes)
    {
        if (bytes <= 0) bytes = 1;
        Bytes = ((nuint)bytes + HugePage - 1) / HugePage * HugePage;
        Pointer = NativeMemory.AlignedAlloc(Bytes, HugePage);
        if (OperatingSystem.IsLinux())
            try { MAdvise(Pointer, Bytes, MadvHugePage); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        NativeMemory.Clear(Pointer, Bytes);
        // The collector cannot see native memory: tell it, so an abandoned buffer is finalised soon, not at some distant
        // collection (a long-lived Python or R process that catches an error and goes on).
        GC.AddMemoryPressure((long)Bytes);
    }

    public void Dispose()
    {
        if (Pointer != null) { NativeMemory.AlignedFree(Pointer); Pointer = null; GC.RemoveMemoryPressure((long)Bytes); }
        GC.SuppressFinalize(this);
    }

    ~HugePageBuffer() => Dispose();
}
