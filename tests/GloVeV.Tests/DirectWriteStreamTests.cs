using GloVeV.IO;
using Xunit;

namespace GloVeV.Tests;

/// <summary>
/// Files written around the page cache hold exactly the bytes given, whatever their length against the 4 KiB
/// alignment and the staging buffer, in both modes (O_DIRECT and through the page cache), on the test folder's file
/// system and on /dev/shm (tmpfs: refuses O_DIRECT before Linux 6.6).
/// </summary>
public class DirectWriteStreamTests
{
    static IEnumerable<string> Folders()
    {
        yield return TestPaths.TempDir();
        if (Directory.Exists("/dev/shm"))
        {
            var shm = Path.Combine("/dev/shm", "glovev-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(shm);
            yield return shm;
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(8191)]
    [InlineData(8192)]
    [InlineData(8193)]
    [InlineData(3 * 8192 + 17)]
    public void WritesExactlyTheBytesGivenInPiecesOfAnySize(int length)
    {
        var rng = new Random(length);
        var data = new byte[length];
        rng.NextBytes(data);
        foreach (var (dir, direct) in Folders().SelectMany(d => new[] { (d, true), (d, false) }))
        {
            try
            {
                var path = Path.Combine(dir, "f.bin");
                if (File.Exists(path)) File.Delete(path);
                using (var s = new DirectWriteStream(path, bufferBytes: 8192, tryDirect: direct))
                {
                    if (!direct) Assert.False(s.IsDirect);
                    // Pieces of uneven sizes, so writes straddle buffer and alignment boundaries.
                    int at = 0;
                    while (at < length)
                    {
                        int n = Math.Min(length - at, 1 + rng.Next(5000));
                        s.Write(data, at, n);
                        at += n;
                    }
                    Assert.Equal(length, s.Length);
                    s.Complete();
                    Assert.Throws<ObjectDisposedException>(() => s.WriteByte(1));
                }
                Assert.Equal(data, File.ReadAllBytes(path));
            }
            finally { if (!direct) Directory.Delete(dir, true); }
        }
    }

    [Fact]
    public void AtomicFileWrittenDirectlyAppearsOnlyOnCommit()
    {
        var dir = TestPaths.TempDir();
        try
        {
            var path = Path.Combine(dir, "out.bin");
            var data = Enumerable.Range(0, 100_003).Select(i => (byte)(i * 7)).ToArray();
            using (var f = new AtomicFile(path, direct: true))
            {
                f.Stream.Write(data);
                Assert.False(File.Exists(path));
                f.Commit();
            }
            Assert.Equal(data, File.ReadAllBytes(path));
            using (var f = new AtomicFile(path, direct: true)) f.Stream.Write(data.AsSpan(0, 10));
            // Abandoned: the earlier file stays, no temporary is left.
            Assert.Equal(data, File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void AfterDisposeOrAFailedStepTheStreamRefusesWork()
    {
        var dir = TestPaths.TempDir();
        try
        {
            var s = new DirectWriteStream(Path.Combine(dir, "d.bin"), bufferBytes: 4096);
            s.Write(new byte[5000]);
            s.Dispose();
            Assert.False(s.CanWrite);
            Assert.Throws<ObjectDisposedException>(() => s.Write(new byte[10]));
            Assert.Throws<ObjectDisposedException>(() => s.Complete());
            s.Dispose(); // twice is fine
            // Dropped without Complete: what was buffered is not written (the file is being abandoned).
            Assert.Equal(4096, new FileInfo(Path.Combine(dir, "d.bin")).Length);
        }
        finally { Directory.Delete(dir, true); }
    }
}
