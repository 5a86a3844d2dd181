namespace GloVeV;

/// <summary>Version and build facts reported by <c>glovev --version</c> and <c>gv_version()</c>.</summary>
public static class VersionInfo
{
    public const string Version = "0.1.0";
    /// <summary>The NativeAOT builds target this instruction set (IlcInstructionSet); AVX2 and FMA are required.</summary>
    public const string InstructionSet = "x86-64-v3 (AVX2, FMA)";
}
