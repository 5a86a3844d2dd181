using System.Runtime.InteropServices;
using System.Text;

namespace GloVeV.NativeExports;

/// <summary>Status codes of the C ABI (mirrored in glovev.h).</summary>
static class Status
{
    public const int Ok = 0;
    public const int Argument = 1;   // null pointer, bad size, out-of-range value
    public const int Input = 2;      // bad input data or file contents, unknown word
    public const int Io = 3;         // file missing or unreadable
    public const int Buffer = 4;     // caller's buffer too small
    public const int Handle = 5;     // handle null, freed or of the wrong kind
    public const int Cancelled = 6;
    public const int Internal = 7;
}

/// <summary>Thread-local last error message, kept in a native buffer so the pointer stays valid until the next call
/// on the same thread.</summary>
static unsafe class LastError
{
    [ThreadStatic] static byte* _buf;
    [ThreadStatic] static nuint _cap;

    public static byte* Pointer
    {
        get
        {
            if (_buf == null) Set("");
            return _buf;
        }
    }

    public static void Set(string message)
    {
        int n = Encoding.UTF8.GetByteCount(message);
        if (_buf == null || _cap < (nuint)n + 1)
        {
            _buf = (byte*)NativeMemory.Realloc(_buf, (nuint)n + 1);
            _cap = (nuint)n + 1;
        }
        Encoding.UTF8.GetBytes(message, new Span<byte>(_buf, n));
        _buf[n] = 0;
    }

    public static void Clear() => Set("");
}

/// <summary>Every export runs its body through <see cref="Run"/>: no exception crosses the boundary.</summary>
static partial class Guard
{
    public static int Run(Func<int> body)
    {
        try
        {
            LastError.Clear();
            int status = body();
            // Cleared again on success: a callback the body ran (training progress) may have made a failing call.
            if (status == Status.Ok) LastError.Clear();
            return status;
        }
        catch (AbiException e) { LastError.Set(CallerTerms(e.Message)); return e.Code; }
        catch (OperationCanceledException) { LastError.Set("cancelled"); return Status.Cancelled; }
        catch (FileNotFoundException e) { LastError.Set(e.Message); return Status.Io; }
        catch (DirectoryNotFoundException e) { LastError.Set(e.Message); return Status.Io; }
        catch (UnauthorizedAccessException e) { LastError.Set(e.Message); return Status.Io; }
        catch (IOException e) { LastError.Set(e.Message); return Status.Io; }
        catch (MissingFileException e) { LastError.Set(CallerTerms(e.Message)); return Status.Io; }
        catch (BadArgumentException e) { LastError.Set(CallerTerms(e.Message)); return Status.Argument; }
        catch (GloVeVException e) { LastError.Set(CallerTerms(e.Message)); return Status.Input; }
        catch (ArgumentException e) { LastError.Set(e.Message); return Status.Argument; }
        catch (OutOfMemoryException) { LastError.Set("out of memory"); return Status.Internal; }
        catch (Exception e) { LastError.Set($"internal error: {e.GetType().Name}: {e.Message}"); return Status.Internal; }
    }
}

static partial class Guard
{
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w-])--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)")]
    private static partial System.Text.RegularExpressions.Regex Flag();

    /// <summary>Engine messages name CLI flags (--x-max); through the ABI the caller knows them as option names
    /// (x_max): say those.</summary>
    public static string CallerTerms(string message) => Flag().Replace(message, m => m.Groups[1].Value.Replace('-', '_'));
}

sealed class AbiException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}
