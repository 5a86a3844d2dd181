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
    bool _positional;

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
            _offsets = new long[_specs.Count];
            for (int t = 0; t < _specs.Count; t++)
            {
                var s = _specs[t];
                _offsets[t] = offset;
                w.WriteStartObject(s.Name);
                w.WriteString("dtype", SafeTensors.Code(s.DType));
                w.WriteStartArray("shape"); foreach (var d in s.Shape) w.WriteNumberValue(d); w.WriteEndArray();
                w.WriteStartArray("data_offsets"); w.WriteNumberValue(offset); w.WriteNumberValue(offset + s.ByteLength); w.WriteEndArray();
                w.WriteEndObject();
                offset += s.ByteLength;
            }
            _total = offset;
            w.WriteEndObject();
        }
        // Pad the header with spaces so tensor data starts 8-byte aligned (what the reference implementation does).
        while (buffer.Length % 8 != 0) buffer.WriteByte((byte)' ');
        _file = new AtomicFile(path, direct: direct);
        try
        {
            Span<byte> len = stackalloc byte[8];
            BitConverter.TryWriteBytes(len, (ulong)buffer.Length);
            _file.Stream.Write(len);
            buffer.Position = 0;
            buffer.CopyTo(_file.Stream);
            if (hashSmall && 8 + buffer.Length + _total <= AtomicDirectory.ManifestHashLimit)
            {
                _sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                _sha.AppendData(len);
                _sha.AppendData(buffer.GetBuffer(), 0, (int)buffer.Length);
            }
        }
        catch
        {
            // The caller never gets this writer to dispose: remove the temporary file here (a full disk in the header).
            _file.Dispose();
            throw;
        }
        _dataStart = 8 + buffer.Length;
    }

    public void Write<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        if (_positional) throw new InvalidOperationException("sequential writes after WriteAt");
        var bytes = MemoryMarshal.AsBytes(data);
        if (_written + bytes.Length > _total) throw new GloVeVException("more tensor data written than declared");
        _file.Stream.Write(bytes);
        _sha?.AppendData(bytes);
        _written += bytes.Length;
    }

    /// <summary>
    /// Writes elements <paramref name="element"/>.. of tensor number <paramref name="tensor"/> (declaration order) at
    /// their place in the file, after the sequential writes are done: threads may fill disjoint ranges at once, in any
    /// order, and <see cref="Commit"/> checks that the byte count adds up. Not for a hashed or direct file (a hash needs
    /// the bytes in order; direct writes need aligned blocks).
    /// </summary>
    public void WriteAt<T>(int tensor, long element, ReadOnlySpan<T> data) where T : unmanaged
    {
        if (_sha != null || _file.Stream is not FileStream fs) throw new InvalidOperationException("WriteAt needs a plain, unhashed file");
        var spec = _specs[tensor];
        int size = SafeTensors.SizeOf(spec.DType);
        if (System.Runtime.CompilerServices.Unsafe.SizeOf<T>() != size) throw new ArgumentException($"tensor {spec.Name} has {size}-byte elements");
        if (element < 0 || element + data.Length > spec.ElementCount) throw new GloVeVException($"elements {element}..{element + data.Length} outside tensor {spec.Name} of {spec.ElementCount}");
        if (!_positional)
            lock (_specs)
                if (!_positional) { fs.Flush(); _positional = true; }
        var bytes = MemoryMarshal.AsBytes(data);
        RandomAccess.Write(fs.SafeFileHandle, bytes, _dataStart + _offsets[tensor] + element * size);
        Interlocked.Add(ref _written, bytes.Length);
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
