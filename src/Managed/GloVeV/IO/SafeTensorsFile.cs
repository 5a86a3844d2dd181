using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace GloVeV.IO;

public sealed record TensorEntry(string Name, TensorDType DType, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));
}

/// <summary>
/// A memory-mapped, validated safetensors file. Nothing is read until asked for; every header field is checked
/// (header length, dtype, shape against byte range, offsets inside the file) so a corrupt file is a clear error.
/// The file stays open while the object lives, so it reads the file it opened even after that file is replaced
/// (a rerun's atomic folder swap): never a mix of two runs. Copies (<see cref="ReadDoubles(TensorEntry, long, Span{double})"/>)
/// are read from the open file, not the mapping, so a file truncated or rewritten in place under an open model is an
/// error there rather than a SIGBUS of the whole process; <see cref="CheckUnchanged"/> serves the callers of
/// <see cref="Pointer"/>.
/// </summary>
public sealed unsafe class SafeTensorsFile : IDisposable
{
    public string Path { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IReadOnlyDictionary<string, TensorEntry> Tensors { get; }
    readonly Microsoft.Win32.SafeHandles.SafeFileHandle _handle;
    readonly long _size;
    readonly MemoryMappedFile? _map;
    readonly MemoryMappedViewAccessor? _view;
    readonly byte* _base;
    readonly long _dataStart;

    public SafeTensorsFile(string path)
    {
        Path = path;
        if (!File.Exists(path)) throw new MissingFileException($"{path}: file not found");
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            long size = _size = RandomAccess.GetLength(_handle);
            if (size < 8) throw new GloVeVException($"{path}: not a safetensors file (only {size} bytes)");
            Span<byte> len = stackalloc byte[8];
            ReadExactly(len, 0);
            ulong headerLen = BitConverter.ToUInt64(len);
            if (headerLen > (ulong)(size - 8) || headerLen > 100_000_000)
                throw new GloVeVException($"{path}: corrupt safetensors header: header length {headerLen} runs past the end of the {size}-byte file");
            var header = new byte[headerLen];
            ReadExactly(header, 8);
            _dataStart = 8 + (long)headerLen;
            (Metadata, Tensors) = ParseHeader(path, header, size - _dataStart);
            if (size > _dataStart)
            {
                _map = MemoryMappedFile.CreateFromFile(_handle, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
                _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
                byte* p = null;
                _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
                _base = p + _view.PointerOffset;
            }
        }
        catch { Dispose(); throw; }
    }

    /// <summary>Reads exactly dest.Length bytes at <paramref name="offset"/> of the open file, or says the file changed.</summary>
    void ReadExactly(Span<byte> dest, long offset)
    {
        int done = 0;
        while (done < dest.Length)
        {
            int n = RandomAccess.Read(_handle, dest[done..], offset + done);
            if (n <= 0) throw Changed();
            done += n;
        }
    }

    GloVeVException Changed() =>
        new($"{Path}: the file changed on disk since it was opened ({RandomAccess.GetLength(_handle)} bytes now, {_size} then): it was truncated or rewritten in place; open it again");

    /// <summary>Refuses to go on when the file is no longer as long as when it was opened (truncated or rewritten in
    /// place): reading its mapping then would fault. Callers of <see cref="Pointer"/> outside hot loops use it.</summary>
    public void CheckUnchanged()
    {
        if (RandomAccess.GetLength(_handle) != _size) throw Changed();
    }

    static (Dictionary<string, string>, Dictionary<string, TensorEntry>) ParseHeader(string path, byte[] header, long dataLen)
    {
        var meta = new Dictionary<string, string>();
        var tensors = new Dictionary<string, TensorEntry>();
        JsonDocument doc;
        int bad = InvalidUtf8Offset(header);
        if (bad >= 0) throw new GloVeVException($"{path}: corrupt safetensors header: byte {8 + bad} of the file is not valid UTF-8 (the JSON header must be UTF-8)");
        try { doc = JsonDocument.Parse(header); }
        catch (JsonException e) { throw new GloVeVException($"{path}: corrupt safetensors header: {e.Message}"); }
        catch (ArgumentException e) { throw new GloVeVException($"{path}: corrupt safetensors header: {e.Message}"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new GloVeVException($"{path}: safetensors header is not a JSON object");
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw new GloVeVException($"{path}: safetensors __metadata__ is not a JSON object");
                    foreach (var m in prop.Value.EnumerateObject()) meta[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                string where = $"{path}: tensor '{prop.Name}'";
                try
                {
                    var v = prop.Value;
                    var dt = v.GetProperty("dtype").GetString() ?? "";
                    if (!SafeTensors.TryParse(dt, out var dtype)) throw new GloVeVException($"{where}: unsupported dtype '{dt}' (expected F32, F64, I32 or I64)");
                    var shape = v.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
                    if (shape.Any(d => d < 0)) throw new GloVeVException($"{where}: negative dimension in shape");
                    var offs = v.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
                    if (offs.Length != 2) throw new GloVeVException($"{where}: data_offsets must have two entries");
                    if (offs[0] < 0 || offs[1] < offs[0] || offs[1] > dataLen)
                        throw new GloVeVException($"{where}: data offsets [{offs[0]}, {offs[1]}] out of range (data section is {dataLen} bytes)");
                    var e = new TensorEntry(prop.Name, dtype, shape, offs[0], offs[1]);
                    long need;
                    try { need = checked(e.ElementCount * SafeTensors.SizeOf(dtype)); }
                    catch (OverflowException) { throw new GloVeVException($"{where}: shape [{string.Join(",", shape)}] of {dt} is too large (its byte size overflows)"); }
                    if (need != offs[1] - offs[0])
                        throw new GloVeVException($"{where}: shape [{string.Join(",", shape)}] of {dt} needs {need} bytes but offsets span {offs[1] - offs[0]}");
                    tensors[prop.Name] = e;
                }
                catch (KeyNotFoundException) { throw new GloVeVException($"{where}: header entry lacks dtype, shape or data_offsets"); }
                catch (InvalidOperationException ex) { throw new GloVeVException($"{where}: malformed header entry: {ex.Message}"); }
                catch (FormatException ex) { throw new GloVeVException($"{where}: malformed header entry: {ex.Message}"); }
            }
        }
        // The format indexes the whole data section, without holes or overlaps. A header length off by a few bytes still
        // parses (the JSON's trailing padding absorbs it) but shifts every tensor: this check is what catches it.
        long at = 0;
        foreach (var e in tensors.Values.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (e.Begin != at)
                throw new GloVeVException($"{path}: corrupt safetensors file: tensor '{e.Name}' starts at data byte {e.Begin}, but the tensors before it end at {at} (a hole, an overlap or a wrong header length)");
            at = e.End;
        }
        if (at != dataLen)
            throw new GloVeVException($"{path}: corrupt safetensors file: the tensors end at data byte {at} but the data section is {dataLen} bytes (a wrong header length or a truncated or padded file)");
        return (meta, tensors);
    }

    static int InvalidUtf8Offset(byte[] b)
    {
        var span = b.AsSpan();
        int off = 0;
        while (!span.IsEmpty)
        {
            var st = System.Text.Rune.DecodeFromUtf8(span, out _, out int n);
            if (st != System.Buffers.OperationStatus.Done) return off;
            off += n; span = span[n..];
        }
        return -1;
    }

    public bool Contains(string name) => Tensors.ContainsKey(name);

    public TensorEntry Entry(string name) =>
        Tensors.TryGetValue(name, out var e) ? e : throw new GloVeVException($"{Path}: no tensor named '{name}'");

    /// <summary>Checks a tensor's dtype and shape; -1 in <paramref name="shape"/> matches any size.</summary>
    public TensorEntry Expect(string name, long[] shape, params TensorDType[] dtypes)
    {
        var e = Entry(name);
        if (dtypes.Length > 0 && !dtypes.Contains(e.DType))
            throw new GloVeVException($"{Path}: tensor '{name}' has dtype {e.DType}, expected {string.Join(" or ", dtypes)}");
        if (e.Shape.Length != shape.Length || e.Shape.Where((d, i) => shape[i] >= 0 && shape[i] != d).Any())
            throw new GloVeVException($"{Path}: tensor '{name}' has shape [{string.Join(",", e.Shape)}], expected [{string.Join(",", shape.Select(s => s < 0 ? "*" : s.ToString()))}]");
        return e;
    }

    /// <summary>Raw pointer to a tensor's first byte (valid while this object lives).</summary>
    public byte* Pointer(TensorEntry e) => _base + _dataStart + e.Begin;

    public ReadOnlySpan<T> Span<T>(TensorEntry e) where T : unmanaged
    {
        if (e.End == e.Begin) return ReadOnlySpan<T>.Empty;
        return new ReadOnlySpan<T>(Pointer(e), checked((int)((e.End - e.Begin) / sizeof(T))));
    }

    /// <summary>Copies elements [start, start+count) of a float tensor into doubles, whatever its stored precision.</summary>
    public void ReadDoubles(TensorEntry e, long start, Span<double> dest)
    {
        if (start < 0 || start + dest.Length > e.ElementCount) throw new GloVeVException($"{Path}: read past the end of tensor '{e.Name}'");
        long at = _dataStart + e.Begin;
        switch (e.DType)
        {
            case TensorDType.F64:
                ReadExactly(MemoryMarshal.AsBytes(dest), at + start * 8);
                break;
            case TensorDType.F32:
                var s = new float[dest.Length];
                ReadExactly(MemoryMarshal.AsBytes(s.AsSpan()), at + start * 4);
                for (int i = 0; i < dest.Length; i++) dest[i] = s[i];
                break;
            default: throw new GloVeVException($"{Path}: tensor '{e.Name}' is {e.DType}, expected a float tensor");
        }
    }

    public double[] ReadDoubles(string name)
    {
        var e = Entry(name);
        var r = new double[e.ElementCount];
        ReadDoubles(e, 0, r);
        return r;
    }

    public float[] ReadFloats(string name)
    {
        var e = Entry(name);
        var d = new double[e.ElementCount];
        ReadDoubles(e, 0, d);
        return Array.ConvertAll(d, x => (float)x);
    }

    public void Dispose()
    {
        if (_view != null && _base != null) _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view?.Dispose();
        _map?.Dispose();
        _handle?.Dispose();
    }
}
