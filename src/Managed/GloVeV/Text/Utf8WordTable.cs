using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace GloVeV.Text;

/// <summary>
/// Open-addressing hash table from UTF-8 words to dense ids (0, 1, 2, … in insertion order), with a per-word
/// 64-bit counter. Words live in one byte arena, so counting a large corpus allocates nothing per token. A lookup is
/// every token of every pass over a corpus: a slot carries the high half of its word's hash beside the id, and a word's
/// first 8 bytes are kept with its length, so a word of up to 8 bytes (most of them) is found without a second table
/// read or a byte comparison.
/// </summary>
public sealed class Utf8WordTable
{
    byte[] _arena = new byte[1 << 16];
    int _arenaUsed;
    // (hash >> 32) << 32 | (id + 1); 0 = empty. Filled up to 3/4: a probe compares 8 bytes in place, so a fuller table
    // costs little, and the slots are most of the table's memory (the vocabulary is part of a count's --memory plan).
    ulong[] _slots;
    // What a lookup compares, side by side: one cache line read per candidate id instead of one per field (the slot
    // and these reads are cache misses for all but the most frequent words; they were most of a lookup's time).
    Entry[] _entries = new Entry[1024];
    long[] _counts = new long[1024];

    struct Entry
    {
        public ulong Head;   // first 8 bytes, little-endian, zero-padded
        public int Offset, Length;
    }
    int _count;

    public Utf8WordTable(int capacity = 1 << 12)
    {
        int size = 16;
        while (size / 4 * 3 < capacity) size <<= 1;
        _slots = new ulong[size];
    }

    public int Count => _count;

    /// <summary>A fast 64-bit mix over 8-byte words (not cryptographic; only spreads slots); <paramref name="head"/>
    /// gets the word's first 8 bytes (little-endian, zero-padded).</summary>
    static ulong Hash(ReadOnlySpan<byte> w, out ulong head)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)w.Length;
        int i = 0;
        head = 0;
        for (; i + 8 <= w.Length; i += 8)
        {
            ulong x = BinaryPrimitives.ReadUInt64LittleEndian(w[i..]);
            if (i == 0) head = x;
            h ^= x;
            h *= 0xFF51AFD7ED558CCDUL; h ^= h >> 32;
        }
        ulong tail = Tail(w, i);
        if (i == 0) head = tail;
        h ^= tail; h *= 0xC4CEB9FE1A85EC53UL; h ^= h >> 29; h *= 0xFF51AFD7ED558CCDUL; h ^= h >> 32;
        return h;
    }

    /// <summary>The last w.Length - i (0-7) bytes as a little-endian number: three reads at most, not a loop per byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong Tail(ReadOnlySpan<byte> w, int i)
    {
        int n = w.Length - i;
        ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetReference(w), i);
        ulong v = 0;
        int k = 0;
        if ((n & 4) != 0) { v = Unsafe.ReadUnaligned<uint>(ref p); k = 4; }
        if ((n & 2) != 0) { v |= (ulong)Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref p, k)) << (8 * k); k += 2; }
        if ((n & 1) != 0) v |= (ulong)Unsafe.Add(ref p, k) << (8 * k);
        return v;
    }

    static ulong Slot(ulong hash, int id) => (hash & 0xFFFFFFFF00000000UL) | (uint)(id + 1);

    /// <summary>Whether id is this word: the hash's high half already matched its slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    bool Same(int id, ReadOnlySpan<byte> word, ulong head)
    {
        ref readonly Entry e = ref _entries[id];
        return e.Length == word.Length && e.Head == head
            && (word.Length <= 8 || _arena.AsSpan(e.Offset + 8, word.Length - 8).SequenceEqual(word[8..]));
    }

    /// <summary>Id of a word, or -1.</summary>
    public int Find(ReadOnlySpan<byte> word)
    {
        ulong h = Hash(word, out ulong head);
        var slots = _slots;
        int mask = slots.Length - 1;
        ulong tag = h & 0xFFFFFFFF00000000UL;
        for (int s = (int)h & mask; ; s = (s + 1) & mask)
        {
            ulong e = slots[s];
            if (e == 0) return -1;
            if ((e & 0xFFFFFFFF00000000UL) != tag) continue;
            int id = (int)(uint)e - 1;
            if (Same(id, word, head)) return id;
        }
    }

    /// <summary>Adds <paramref name="count"/> to the word's counter, inserting it if new; returns its id.</summary>
    public int Add(ReadOnlySpan<byte> word, long count = 1)
    {
        ulong h = Hash(word, out ulong head);
        int mask = _slots.Length - 1;
        int s = (int)h & mask;
        for (; ; s = (s + 1) & mask)
        {
            ulong e = _slots[s];
            if (e == 0) break;
            if ((e >> 32) != (h >> 32)) continue;
            int id = (int)(uint)e - 1;
            if (Same(id, word, head)) { _counts[id] += count; return id; }
        }
        int nid = _count++;
        if (nid == _entries.Length)
        {
            int n = _entries.Length * 2;
            Array.Resize(ref _entries, n); Array.Resize(ref _counts, n);
        }
        if (_arenaUsed + word.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + word.Length));
        word.CopyTo(_arena.AsSpan(_arenaUsed));
        _entries[nid] = new Entry { Head = head, Offset = _arenaUsed, Length = word.Length }; _counts[nid] = count;
        _arenaUsed += word.Length;
        _slots[s] = Slot(h, nid);
        if (_count > _slots.Length / 4 * 3) Rehash();
        return nid;
    }

    void Rehash()
    {
        var slots = new ulong[_slots.Length * 2];
        int mask = slots.Length - 1;
        for (int id = 0; id < _count; id++)
        {
            // Hashes are recomputed, not stored: a rehash is rare, and 8 bytes a word are not.
            ulong h = Hash(Word(id), out _);
            int s = (int)h & mask;
            while (slots[s] != 0) s = (s + 1) & mask;
            slots[s] = Slot(h, id);
        }
        _slots = slots;
    }

    public ReadOnlySpan<byte> Word(int id) => _arena.AsSpan(_entries[id].Offset, _entries[id].Length);
    public string WordString(int id) => Encoding.UTF8.GetString(Word(id));
    public long CountOf(int id) => _counts[id];

    /// <summary>Adds every word and count of another table into this one.</summary>
    public void Merge(Utf8WordTable other)
    {
        for (int id = 0; id < other._count; id++) Add(other.Word(id), other._counts[id]);
    }
}
