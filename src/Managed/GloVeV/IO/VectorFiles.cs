using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using GloVeV.Text;

namespace GloVeV.IO;

/// <summary>The vector file formats other tools read and write (numbers as in glovev.h's GV_FORMAT_*).</summary>
public enum VectorFormat { Word2VecText = 1, Word2VecBinary = 2, GloVeText = 3 }

/// <summary>
/// Reads and writes word vectors in gensim / word2vec text and binary and GloVe text, and turns such a file into a
/// model folder. These formats carry no counts, context vectors, biases or covariances.
/// </summary>
public static class VectorFiles
{
    public static readonly string Names = "word2vec (text), word2vec-bin (binary), glove-txt (GloVe's vectors.txt)";

    public static VectorFormat Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "word2vec" or "word2vec-txt" or "word2vec-text" => VectorFormat.Word2VecText,
        "word2vec-bin" or "word2vec-binary" => VectorFormat.Word2VecBinary,
        "glove-txt" or "glove-text" => VectorFormat.GloVeText,
        _ => throw new BadArgumentException($"vector format must be one of {Names}, got '{name}'"),
    };

    public static VectorFormat Of(int code) => Enum.IsDefined(typeof(VectorFormat), code)
        ? (VectorFormat)code
        : throw new BadArgumentException($"format must be GV_FORMAT_WORD2VEC_TEXT (1), GV_FORMAT_WORD2VEC_BINARY (2) or GV_FORMAT_GLOVE_TEXT (3), got {code}");

    public sealed record Vectors(string[] Words, float[] Values, int Dim);

    public static Vectors Read(string path, VectorFormat format)
    {
        if (!File.Exists(path)) throw new MissingFileException($"{path}: vector file not found");
        var r = format == VectorFormat.Word2VecBinary ? ReadBinary(path) : ReadText(path, format == VectorFormat.Word2VecText);
        if (r.Words.Length == 0) throw new GloVeVException($"{path}: no vectors");
        var seen = new Dictionary<string, int>(r.Words.Length, StringComparer.Ordinal);
        for (int i = 0; i < r.Words.Length; i++)
            if (!seen.TryAdd(r.Words[i], i)) throw new GloVeVException($"{path}: the word '{r.Words[i]}' appears twice (vectors {seen[r.Words[i]] + 1} and {i + 1})");
        return r;
    }

    static Vectors ReadText(string path, bool header)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(false, true), false, 1 << 16);
        var words = new List<string>();
        var values = new List<float>();
        int dim = -1, expected = -1, lineNo = 0;
        string? line;
        try
        {
            while ((line = reader.ReadLine()) != null)
            {
                lineNo++;
                line = line.TrimEnd('\r', ' ', '\t');
                if (line.Length == 0)
                {
                    // Blank lines at the end are harmless; one inside the file is not a vector.
                    if (reader.Peek() < 0) break;
                    throw new GloVeVException($"{path}:{lineNo}: an empty line where a word and its vector were expected");
                }
                // Fields are separated by spaces (or tabs), as gensim and GloVe write them; other whitespace, such as a
                // no-break space, belongs to the word.
                var parts = line.Split(FieldSeparators, StringSplitOptions.RemoveEmptyEntries);
                if (header && lineNo == 1)
                {
                    if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out expected)
                        || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out dim) || expected < 1 || dim < 1)
                        throw new GloVeVException($"{path}:1: expected a word2vec header 'V D' (two positive integers), got '{Clip(line)}'");
                    continue;
                }
                if (parts.Length < 2) throw new GloVeVException($"{path}:{lineNo}: expected a word and its vector, got '{Clip(line)}'");
                if (dim < 0)
                {
                    dim = parts.Length - 1;
                    if (dim == 1 && !header) throw new GloVeVException($"{path}:{lineNo}: a one-dimensional vector; is this a word2vec file with a 'V D' header (format word2vec)?");
                }
                if (parts.Length - 1 != dim) throw new GloVeVException($"{path}:{lineNo}: '{Clip(parts[0])}' has {parts.Length - 1} values, expected {dim}");
                CheckWord(parts[0], path, $"{lineNo}");
                words.Add(parts[0]);
                for (int k = 1; k < parts.Length; k++)
                {
                    if (!float.TryParse(parts[k], NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !float.IsFinite(x))
                        throw new GloVeVException($"{path}:{lineNo}: value {k} of '{Clip(parts[0])}' is not a finite number: '{Clip(parts[k])}'");
                    values.Add(x);
                }
            }
        }
        // The reader decodes ahead in blocks, so the line it had reached is not the bad byte's: find that line.
        catch (DecoderFallbackException) { throw new GloVeVException($"{path}:{Utf8Lines.FirstInvalidLine(path)}: not valid UTF-8"); }
        if (header && expected >= 0 && words.Count != expected)
            throw new GloVeVException($"{path}: the header announces {expected} vectors but the file holds {words.Count}");
        return new Vectors(words.ToArray(), values.ToArray(), Math.Max(dim, 0));
    }

    static readonly char[] FieldSeparators = [' ', '\t'];

    /// <summary>A word a vocab.txt can hold: not empty, no field separator, no control character.</summary>
    static void CheckWord(string w, string path, string where)
    {
        if (w.Length == 0) throw new GloVeVException($"{path}:{where}: an empty word");
        foreach (char c in w)
            if (c == ' ' || c == '\t' || char.IsControl(c))
                throw new GloVeVException($"{path}:{where}: the word '{Clip(w)}' holds a space, tab or control character (U+{(int)c:X4}), which a vocab.txt cannot store");
    }

    static Vectors ReadBinary(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var headerLine = (ReadToken(f, (byte)'\n', 256, path) ?? throw new GloVeVException($"{path}: empty file")).TrimEnd('\r', ' ');
        var hp = headerLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (hp.Length != 2 || !int.TryParse(hp[0], NumberStyles.None, CultureInfo.InvariantCulture, out int v)
            || !int.TryParse(hp[1], NumberStyles.None, CultureInfo.InvariantCulture, out int dim) || v < 1 || dim < 1)
            throw new GloVeVException($"{path}: expected a word2vec binary header 'V D' (two positive integers), got '{Clip(headerLine)}'");
        // Each vector takes at least a one-byte word, a space and D float32: a header promising more than the file holds
        // is refused before anything that size is allocated.
        if (dim > MaxDim || (long)v * (4L * dim + 2) > f.Length - f.Position)
            throw new GloVeVException($"{path}: the header announces {v} vectors of D = {dim}, which do not fit in its {f.Length} bytes");
        var words = new string[v];
        var values = new float[checked((long)v * dim)];
        var row = new byte[dim * 4];
        for (int i = 0; i < v; i++)
        {
            string? w;
            // gensim and word2vec write a newline after each vector; skip it (and any other leading newline).
            w = ReadToken(f, (byte)' ', 1 << 16, path);
            if (w == null) throw new GloVeVException($"{path}: the header announces {v} vectors but the file ends after {i}");
            w = w.TrimStart('\n');
            CheckWord(w, path, $"vector {i + 1}");
            if (f.ReadAtLeast(row, row.Length, throwOnEndOfStream: false) != row.Length)
                throw new GloVeVException($"{path}: vector {i + 1} ('{Clip(w)}') is cut short: the file ends inside its {dim} float32 values");
            for (int k = 0; k < dim; k++)
            {
                float x = BinaryPrimitives.ReadSingleLittleEndian(row.AsSpan(k * 4));
                if (!float.IsFinite(x)) throw new GloVeVException($"{path}: value {k + 1} of vector {i + 1} ('{Clip(w)}') is not finite");
                values[(long)i * dim + k] = x;
            }
            words[i] = w;
        }
        // Only the newline after the last vector may follow.
        int rest;
        while ((rest = f.ReadByte()) >= 0)
            if (rest is not ('\n' or '\r' or ' '))
                throw new GloVeVException($"{path}: data after the {v} vectors the header announces");
        return new Vectors(words, values, dim);
    }

    /// <summary>Bytes up to <paramref name="stop"/> (consumed, not returned) as UTF-8; null at the end of the file.</summary>
    /// <summary>Vector files with more dimensions than this are refused (training's limit is 4096).</summary>
    const int MaxDim = 1 << 16;

    static string? ReadToken(Stream s, byte stop, int max, string path)
    {
        var buf = new List<byte>();
        int b;
        while ((b = s.ReadByte()) >= 0 && b != stop)
        {
            buf.Add((byte)b);
            if (buf.Count > max) throw new GloVeVException($"{path}: a word longer than {max} bytes: this is not a word2vec binary file");
        }
        if (b < 0 && buf.Count == 0) return null;
        try { return new UTF8Encoding(false, true).GetString(buf.ToArray()); }
        catch (DecoderFallbackException) { throw new GloVeVException($"{path}: a word that is not valid UTF-8"); }
    }

    static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "...";

    /// <summary>Writes vectors (row-major, <paramref name="dim"/> per word) atomically.</summary>
    public static void Write(string path, VectorFormat format, IReadOnlyList<string> words, ReadOnlySpan<float> values, int dim)
    {
        if (values.Length != (long)words.Count * dim) throw new GloVeVException($"{words.Count} words but {values.Length} values for D = {dim}");
        foreach (var w in words)
            if (w.Length == 0 || w.Any(c => c is ' ' or '\t' or '\n' or '\r')) throw new GloVeVException($"the word '{w}' is empty or holds a space, tab or line break, which these formats cannot store");
        using var f = new AtomicFile(path);
        if (format == VectorFormat.Word2VecBinary)
        {
            var s = f.Stream;
            s.Write(Encoding.UTF8.GetBytes($"{words.Count} {dim}\n"));
            var row = new byte[dim * 4];
            for (int i = 0; i < words.Count; i++)
            {
                s.Write(Encoding.UTF8.GetBytes(words[i] + " "));
                for (int k = 0; k < dim; k++) BinaryPrimitives.WriteSingleLittleEndian(row.AsSpan(k * 4), values[i * dim + k]);
                s.Write(row);
                s.WriteByte((byte)'\n');
            }
        }
        else
        {
            using var w = new StreamWriter(f.Stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            if (format == VectorFormat.Word2VecText) w.WriteLine($"{words.Count} {dim}");
            var sb = new StringBuilder();
            for (int i = 0; i < words.Count; i++)
            {
                sb.Clear().Append(words[i]);
                // "R" round-trips a float32 exactly, so text files re-read to the same values.
                for (int k = 0; k < dim; k++) sb.Append(' ').Append(values[i * dim + k].ToString("R", CultureInfo.InvariantCulture));
                w.WriteLine(sb);
            }
        }
        f.Commit();
    }

    /// <summary>A model folder (vocab.txt with counts 1, vectors.safetensors) from a vector file; returns the words read.</summary>
    public static int Import(string path, VectorFormat format, string outDir)
    {
        var v = Read(path, format);
        var vocab = new Vocabulary(v.Words, Enumerable.Repeat(1L, v.Words.Length).ToArray());
        // A model folder's files are all this model's now: a params.safetensors or tokenizer note carried over from an
        // earlier model would be read in preference to (or beside) the imported vectors.
        using var dir = AtomicDirectory.Begin(outDir, ["vocab.txt", "vectors.safetensors", "params.safetensors", "vocab.txt.tokenizer"]);
        vocab.Save(Path.Combine(dir.Staging, "vocab.txt"));
        var meta = new Dictionary<string, string>
        {
            ["imported_from"] = Path.GetFullPath(path), ["imported_format"] = format.ToString(), ["counts"] = "unknown",
            ["vocab_hash"] = vocab.Hash(),
        };
        SafeTensorsWriter.WriteAll(Path.Combine(dir.Staging, "vectors.safetensors"),
            [(new TensorSpec("center_vectors", TensorDType.F32, [v.Words.Length, v.Dim]), w => w.Write<float>(v.Values))], meta);
        dir.Commit();
        return v.Words.Length;
    }

    /// <summary>A model's centre vectors (those its queries use) as a vector file; returns the words written.</summary>
    public static int Export(string modelDir, VectorFormat format, string path)
    {
        using var m = Inference.GloVeModel.Load(modelDir);
        Write(path, format, m.Vocabulary.Words, m.Vectors, m.Dim);
        return m.VocabSize;
    }
}
