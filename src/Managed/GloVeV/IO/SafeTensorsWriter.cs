using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace GloVeV.IO;

/// <summary>Element types we read and write in safetensors files.</summary>
public enum TensorDType { F32, F64, I32, I64 }

public readonly record struct TensorSpec(string Name, TensorDType DType, long[] Shape)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    public long ByteLength => ElementCount * SafeTensors.SizeOf(DType);
}

public static class SafeTensors
{
    public static int SizeOf(TensorDType t) => t switch { TensorDType.F32 or TensorDType.I32 => 4, _ => 8 };
    public static string Code(TensorDType t) => t.ToString();
    public static bool TryParse(string code, out TensorDType t)
    {
        switch (code)
        {
            case "F32": t = TensorDType.F32; return true;
            case "F64": t = TensorDType.F64; return true;
            case "I32": t = TensorDType.I32; return true;
            case "I64": t = TensorDType.I64; return true;
            default: t = default; return false;
        }
    }
}

/// <summary>
/// Streams a safetensors file: the header (declared tensors, in order) is written first, then each tensor's bytes
/// in declaration order. The file appears under its final name only after <see cref="Commit"/>.
/// </summary>
public sealed class SafeTensorsWriter : IDisposable
{
    readonly AtomicFile _file;
    readonly List<TensorSpec> _specs;
    readonly long[] _offsets;   // each tensor's first byte, from the start of the data
    readonly long _dataStart;
    long _written;
    readonly long _total;

    /// <param name="direct">Write around the page cache (<see cref="DirectWriteStream"/>): for large files this process
    /// does not read back, written off the computing threads (each buffer waits for the disk).</param>
    /// <param name="hashSmall">Compute the file's SHA-256 while writing when the file is small enough for a folder
    /// manifest to hash it (<see cref="Sha256"/> after <see cref="Commit"/>).</param>
    public SafeTensorsWriter(string path, IReadOnlyList<TensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata = null, bool direct = false,
        bool hashSmall = false)
    {
        _specs = tensors.ToList();
        var names = new HashSet<string>();
        foreach (var s in _specs) if (!names.Add(s.Name)) throw new GloVeVException($"duplicate tensor name {s.Name}");
        var header = Header(_specs, metadata, out _offsets, out _total);
        _file = new AtomicFile(path, direct: direct);
        try
        {
            Span<byte> len = stackalloc byte[8];
            BitConverter.TryWriteBytes(len, (ulong)header.Length);
            _file.Stream.Write(len);
            _file.Stream.Write(header);
            if (hashSmall && 8 + header.Length + _total <= AtomicDirectory.ManifestHashLimit)
            {
                _sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                _sha.AppendData(len);
                _sha.AppendData(header);
            }
        }
        catch
        {
            // The caller never gets this writer to dispose: remove the temporary file here (a full disk in the header).
            _file.Dispose();
            throw;
        }
        _dataStart = 8 + header.Length;
    }

    /// <summary>The JSON header of tensors laid out in declaration order (each tensor's offset from the start of the
    /// data and the data's length come out), padded with spaces to a multiple of 8 bytes as the reference
    /// implementation does, so tensor data starts 8-byte aligned.</summary>
    public static byte[] Header(IReadOnlyList<TensorSpec> specs, IReadOnlyDictionary<string, string>? metadata, out long[] offsets, out long total)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var kv in metadata) w.WriteString(kv.Key, kv.Value);
                w.WriteEndObject();
            }
            long offset = 0;
            offsets = new long[specs.Count];
            for (int t = 0; t < specs.Count; t++)
            {
                var s = specs[t];
                offsets[t] = offset;
                w.WriteStartObject(s.Name);
                w.WriteString("dtype", SafeTensors.Code(s.DType));
                w.WriteStartArray("shape"); foreach (var d in s.Shape) w.WriteNumberValue(d); w.WriteEndArray();
                w.WriteStartArray("data_offsets"); w.WriteNumberValue(offset); w.WriteNumberValue(offset + s.ByteLength); w.WriteEndArray();
                w.WriteEndObject();
                offset += s.ByteLength;
            }
            total = offset;
            w.WriteEndObject();
        }
        while (buffer.Length % 8 != 0) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    public void Write<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(data);
        if (_written + bytes.Length > _total) throw new GloVeVException("more tensor data written than declared");
        _file.Stream.Write(bytes);
        _sha?.AppendData(bytes);
        _written += bytes.Length;
    }

    public void Commit()
    {
        if (_written != _total) throw new GloVeVException($"declared {_total} bytes of tensor data, wrote {_written}");
        _file.Commit();
        if (_sha != null) Sha256 = Convert.ToHexStringLower(_sha.GetHashAndReset());
    }

    /// <summary>The file's length in bytes (header included).</summary>
    public long Length => _dataStart + _total;
    /// <summary>With hashSmall and a small file: its SHA-256 (lower-case hex) after <see cref="Commit"/>; else null.</summary>
    public string? Sha256 { get; private set; }
    System.Security.Cryptography.IncrementalHash? _sha;

    public void Dispose() { _file.Dispose(); _sha?.Dispose(); }

    /// <summary>Writes whole in-memory tensors at once.</summary>
    /// <param name="known">With it, a file small enough for a folder manifest to hash is hashed while written and
    /// recorded there (see <see cref="AtomicDirectory.RecordHash"/>).</param>
    public static void WriteAll(string path, IReadOnlyList<(TensorSpec Spec, Action<SafeTensorsWriter> Write)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, bool direct = false, AtomicDirectory? known = null)
    {
        using var w = new SafeTensorsWriter(path, tensors.Select(t => t.Spec).ToList(), metadata, direct, hashSmall: known != null);
        foreach (var t in tensors) t.Write(w);
        w.Commit();
        if (known != null && w.Sha256 != null) known.RecordHash(Path.GetFileName(path), w.Length, w.Sha256);
    }
}
