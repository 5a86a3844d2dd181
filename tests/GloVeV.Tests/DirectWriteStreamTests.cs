using GloVeV.IO;
using Xunit;

namespace GloVeV.Tests;

/// <summary>
/// Files written around the page cache hold exactly the bytes given, whatever their length against the 4 KiB
/// alignment and the staging buffer, on a file system that takes O_DIRECT and on one that refuses it (tmpfs).
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
        foreach (var dir in Folders())
        {
            try
            {
                var path = Path.Combine(dir, "f.bin");
                using (var s = new DirectWriteStream(path, bufferBytes: 8192))
                {
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
            finally { Directory.Delete(dir, true); }
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
    public void TheDirectPathIsTakenWhereTheFileSystemAllowsIt()
    {
        // Where O_DIRECT is refused (tmpfs), the stream falls back and says so; on the test folder's file system it is
        // taken unless switched off. The folder's file system decides which; both outcomes are checked against it.
        var dir = TestPaths.TempDir();
        try
        {
            var path = Path.Combine(dir, "probe.bin");
            bool expected = OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable(DirectWriteStream.EnvironmentVariable) != "0"
                && !IsTmpfs(dir);
            using var s = new DirectWriteStream(path);
            Assert.Equal(expected, s.IsDirect);
        }
        finally { Directory.Delete(dir, true); }
    }

    static bool IsTmpfs(string dir)
    {
        if (!File.Exists("/proc/self/mounts")) return false;
        var full = Path.GetFullPath(dir);
        string best = "", type = "";
        foreach (var line in File.ReadLines("/proc/self/mounts"))
        {
            var f = line.Split(' ');
            if (f.Length < 3) continue;
            var mount = f[1];
            if ((full == mount || full.StartsWith(mount.TrimEnd('/') + "/")) && mount.Length >= best.Length) { best = mount; type = f[2]; }
        }
        return type is "tmpfs" or "ramfs";
    }
}
