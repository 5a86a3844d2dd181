using System.Buffers.Binary;
using System.Text;

namespace GloVeV.Text;

/// <summary>
/// Open-addressing hash table from UTF-8 words to dense ids (0, 1, 2, … in insertion order), with a per-word
/// 64-bit counter. Words live in one byte arena, so counting a large corpus allocates nothing per token.
/// </summary>
public sealed class Utf8WordTable
{
    byte[] _arena = new byte[1 << 16];
    int _arenaUsed;
    int[] _slots;          // id + 1, 0 = empty
    int[] _offsets = new int[1024];
    int[] _lengths = new int[1024];
    ulong[] _hashes = new ulong[1024];
    long[] _counts = new long[1024];
    int _count;

    public Utf8WordTable(int capacity = 1 << 12)
    {
        int size = 16;
        while (size < capacity * 2) size <<= 1;
        _slots = new int[size];
    }

    public int Count => _count;

    /// <summary>A fast 64-bit mix over 8-byte words (not cryptographic; only spreads slots).</summary>
    static ulong Hash(ReadOnlySpan<byte> w)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)w.Length;
        int i = 0;
        for (; i + 8 <= w.Length; i += 8)
        {
            h ^= BinaryPrimitives.ReadUInt64LittleEndian(w[i..]);
            h *= 0xFF51AFD7ED558CCDUL; h ^= h >> 32;
        }
        ulong tail = 0;
        for (int k = 0; i < w.Length; i++, k += 8) tail |= (ulong)w[i] << k;
        h ^= tail; h *= 0xC4CEB9FE1A85EC53UL; h ^= h >> 29; h *= 0xFF51AFD7ED558CCDUL; h ^= h >> 32;
        return h;
    }

    /// <summary>Id of a word, or -1.</summary>
    public int Find(ReadOnlySpan<byte> word)
    {
        ulong h = Hash(word);
        int mask = _slots.Length - 1;
        for (int s = (int)h & mask; ; s = (s + 1) & mask)
        {
            int v = _slots[s];
            if (v == 0) return -1;
            int id = v - 1;
            if (_hashes[id] == h && _arena.AsSpan(_offsets[id], _lengths[id]).SequenceEqual(word)) return id;
        }
    }

    /// <summary>Adds <paramref name="count"/> to the word's counter, inserting it if new; returns its id.</summary>
    public int Add(ReadOnlySpan<byte> word, long count = 1)
    {
        ulong h = Hash(word);
        int mask = _slots.Length - 1;
        int s = (int)h & mask;
        for (; ; s = (s + 1) & mask)
        {
            int v = _slots[s];
            if (v == 0) break;
            int id = v - 1;
            if (_hashes[id] == h && _arena.AsSpan(_offsets[id], _lengths[id]).SequenceEqual(word)) { _counts[id] += count; return id; }
        }
        int nid = _count++;
        if (nid == _offsets.Length)
        {
            int n = _offsets.Length * 2;
            Array.Resize(ref _offsets, n); Array.Resize(ref _lengths, n); Array.Resize(ref _hashes, n); Array.Resize(ref _counts, n);
        }
        if (_arenaUsed + word.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + word.Length));
        word.CopyTo(_arena.AsSpan(_arenaUsed));
        _offsets[nid] = _arenaUsed; _lengths[nid] = word.Length; _hashes[nid] = h; _counts[nid] = count;
        _arenaUsed += word.Length;
        _slots[s] = nid + 1;
        if (_count * 2 > _slots.Length) Rehash();
        return nid;
    }

    void Rehash()
    {
        var slots = new int[_slots.Length * 2];
        int mask = slots.Length - 1;
        for (int id = 0; id < _count; id++)
        {
            int s = (int)_hashes[id] & mask;
            while (slots[s] != 0) s = (s + 1) & mask;
            slots[s] = id + 1;
        }
        _slots = slots;
    }

    public ReadOnlySpan<byte> Word(int id) => _arena.AsSpan(_offsets[id], _lengths[id]);
    public string WordString(int id) => Encoding.UTF8.GetString(Word(id));
    public long CountOf(int id) => _counts[id];

    /// <summary>Adds every word and count of another table into this one.</summary>
    public void Merge(Utf8WordTable other)
    {
        for (int id = 0; id < other._count; id++) Add(other.Word(id), other._counts[id]);
    }
}
