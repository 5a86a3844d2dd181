using System.Runtime.InteropServices;
using System.Text;

namespace GloVeV.NativeExports;

/// <summary>Checked conversions of C arguments.</summary>
static unsafe class Marshalling
{
    public static string Str(byte* p, string name)
    {
        if (p == null) throw new AbiException(Status.Argument, $"{name} is NULL");
        var s = Utf8(p, name);
        // An empty path would reach .NET's "The value cannot be an empty string (Parameter 'path')", naming no argument.
        if (s.Length == 0 && IsPath(name)) throw new AbiException(Status.Argument, $"{name} is an empty string (a file or folder path is needed)");
        return s;
    }

    static bool IsPath(string name) => name is "dir" or "path" or "corpus" || name.EndsWith("_dir", StringComparison.Ordinal) || name.EndsWith("_path", StringComparison.Ordinal);

    public static string? OptStr(byte* p, string name = "string") => p == null ? null : Utf8(p, name);

    /// <summary>A NUL-terminated UTF-8 string. Invalid UTF-8 is refused: decoding would replace it with U+FFFD, so
    /// different byte strings would name the same word or the same file.</summary>
    static string Utf8(byte* p, string name)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(p);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            int ok = 0;
            while (System.Text.Rune.DecodeFromUtf8(bytes[ok..], out _, out int n) == System.Buffers.OperationStatus.Done) ok += n;
            throw new AbiException(Status.Argument, $"{name} is not valid UTF-8 (byte {ok})");
        }
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    public static void NotNull(void* p, string name)
    {
        if (p == null) throw new AbiException(Status.Argument, $"{name} is NULL");
    }

    /// <summary>A capacity is a count: a negative one is an argument error (GV_ERR_ARGUMENT), never "too small"
    /// (GV_ERR_BUFFER), in every function that takes one.</summary>
    public static void NonNegativeCapacity(long cap, string name)
    {
        if (cap < 0) throw new AbiException(Status.Argument, $"{name} is negative ({cap})");
    }

    public static Span<T> Out<T>(T* p, long len, long needed, string name) where T : unmanaged
    {
        if (p == null) throw new AbiException(Status.Argument, $"{name} is NULL");
        NonNegativeCapacity(len, $"{name} length");
        if (len < needed) throw new AbiException(Status.Buffer, $"{name} holds {len} elements but {needed} are needed");
        return new Span<T>(p, checked((int)needed));
    }

    /// <summary>What every gv_*_options_default call does: the core's defaults into the caller's struct.</summary>
    public static int FillDefaults<T>(T* options, T defaults) where T : unmanaged
    {
        NotNull(options, "options");
        *options = defaults;
        return Status.Ok;
    }

    /// <summary>A caller's options struct, or the defaults for NULL. Its leading int32 <c>size</c> is read and checked
    /// alone before the rest: a struct of an older, smaller layout must get GV_ERR_ARGUMENT, not a read past its end.</summary>
    public static unsafe T Options<T>(T* p, T defaults, string name) where T : unmanaged
    {
        if (p == null) return defaults;
        CheckSize(*(int*)p, sizeof(T), name);
        return *p;
    }

    /// <summary>An options struct's size field: a struct not filled by its defaults call (or from another ABI) is refused.</summary>
    public static void CheckSize(int size, int expected, string name)
    {
        if (size != expected)
            throw new AbiException(Status.Argument, $"{name}.size is {size}, expected {expected} (fill the struct with {name}_default)");
    }

    public static string[] StrArray(byte** p, long n, string name)
    {
        if (n < 0) throw new AbiException(Status.Argument, $"{name}: negative count {n}");
        if (n > Array.MaxLength) throw new AbiException(Status.Argument, $"{name}: count {n} is more than an array can hold ({Array.MaxLength})");
        if (p == null && n > 0) throw new AbiException(Status.Argument, $"{name} is NULL");
        var r = new string[n];
        for (long i = 0; i < n; i++) r[i] = Str(p[i], $"{name}[{i}]");
        return r;
    }

    /// <summary>Copies a UTF-8 string into a caller buffer (NUL-terminated); <paramref name="needed"/> gets the size including NUL.</summary>
    public static int CopyString(string s, byte* buf, long cap, long* needed)
    {
        NonNegativeCapacity(cap, "cap");
        var bytes = Encoding.UTF8.GetBytes(s);
        if (needed != null) *needed = bytes.Length + 1;
        if (buf == null && cap == 0) return Status.Ok; // size query
        if (buf == null) throw new AbiException(Status.Argument, "buffer is NULL");
        if (cap < bytes.Length + 1) throw new AbiException(Status.Buffer, $"buffer holds {cap} bytes but {bytes.Length + 1} are needed");
        bytes.CopyTo(new Span<byte>(buf, bytes.Length));
        buf[bytes.Length] = 0;
        return Status.Ok;
    }
}

/// <summary>
/// Opaque handles: a handle is a never-reused number, looked up in a table, so a freed, forged or wrong-kind handle
/// is an error, not a crash.
/// </summary>
static class Handles
{
    static readonly Dictionary<long, object> Table = new();
    static long _next = 0x10000;
    static readonly object Gate = new();

    public static nint Add(object o)
    {
        lock (Gate) { long id = (_next += 16); Table[id] = o; return (nint)id; }
    }

    public static T Get<T>(nint h, string kind) where T : class
    {
        lock (Gate)
        {
            if (h == 0) throw new AbiException(Status.Handle, $"{kind} handle is NULL");
            if (!Table.TryGetValue(h, out var o)) throw new AbiException(Status.Handle, $"invalid {kind} handle (freed or never created)");
            return o as T ?? throw new AbiException(Status.Handle, $"handle is not a {kind}");
        }
    }

    public static void Free<T>(nint h, string kind) where T : class
    {
        object o;
        lock (Gate)
        {
            o = Get<T>(h, kind);
            Table.Remove(h);
        }
        (o as IDisposable)?.Dispose();
    }
}
