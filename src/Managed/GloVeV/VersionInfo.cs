namespace GloVeV;

/// <summary>Version and build facts reported by <c>glovev --version</c> and <c>gv_version()</c>.</summary>
public static class VersionInfo
{
    public const int Major = 0, Minor = 1, Patch = 0;
    public const string Version = "0.1.0";
    /// <summary>The C ABI's major version (GV_ABI_MAJOR in glovev.h): it changes whenever a signature or struct layout
    /// changes incompatibly, or a constant's meaning does (4: GV_METHOD_* renumbered; 5: gv_benchmark_options gained
    /// approximate); the bindings refuse a library with another one.</summary>
    public const int AbiMajor = 5;
    /// <summary>The NativeAOT builds target this instruction set (IlcInstructionSet); AVX2 and FMA are required.</summary>
    public const string InstructionSet = "x86-64-v3 (AVX2, FMA)";
}
