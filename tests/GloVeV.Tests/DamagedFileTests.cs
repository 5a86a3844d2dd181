using System.Text;
using GloVeV.Inference;
using GloVeV.IO;
using Xunit;

namespace GloVeV.Tests;

/// <summary>Damage that still parses is refused by name: a safetensors header length off by a few bytes, a vector with
/// a NaN, and a variance folder of another model copied without its provenance.</summary>
public class DamagedFileTests
{
    static string Raw(string dir, string json, int dataBytes, int headerLengthDelta = 0, int extraBytes = 0)
    {
        var p = Path.Combine(dir, $"t{Guid.NewGuid():N}.safetensors");
        var header = Encoding.UTF8.GetBytes(json + "        "); // trailing padding, as writers align the header
        using var f = File.Create(p);
        f.Write(BitConverter.GetBytes((ulong)(header.Length + headerLengthDelta)));
        f.Write(header);
        f.Write(new byte[dataBytes + extraBytes]);
        return p;
    }

    [Fact]
    public void TensorsMustIndexTheWholeDataSection()
    {
        var dir = TestPaths.TempDir();
        const string two = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        using (var ok = new SafeTensorsFile(Raw(dir, two, 12))) Assert.Equal(2, ok.Tensors.Count);
        // The header length 5 short: the JSON still parses (its padding absorbs it), every tensor would shift by 5.
        Assert.Contains("data section is 17 bytes", Assert.Throws<GloVeVException>(() => new SafeTensorsFile(Raw(dir, two, 12, headerLengthDelta: -5))).Message);
        Assert.Contains("corrupt safetensors file", Assert.Throws<GloVeVException>(() => new SafeTensorsFile(Raw(dir, two, 12, extraBytes: 4))).Message);
        const string hole = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        Assert.Contains("tensor 'b' starts at data byte 8", Assert.Throws<GloVeVException>(() => new SafeTensorsFile(Raw(dir, hole, 12))).Message);
        const string overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        Assert.Throws<GloVeVException>(() => new SafeTensorsFile(Raw(dir, overlap, 8)));
    }

    [Fact]
    public void ANonFiniteVectorComponentIsRefusedWithItsWord()
    {
        var dir = ModelBuilder.Write(["a", "b"], [[1.0, 2.0], [double.NaN, 1.0]], _ => ModelBuilder.Isotropic(2, 0.01));
        Assert.Contains("'b'", Assert.Throws<GloVeVException>(() => GloVeModel.Load(dir)).Message);
    }

    [Fact]
    public void AnotherModelsVariancesAreRefusedEvenWithoutProvenance()
    {
        var a = ModelBuilder.Write(["x", "y", "z"], [[1.0, 0], [0, 1.0], [1.0, 1.0]], _ => ModelBuilder.Isotropic(2, 0.01));
        var b = ModelBuilder.Write(["y", "x", "z"], [[1.0, 0], [0, 1.0], [1.0, 1.0]], _ => ModelBuilder.Isotropic(2, 0.02));
        using (GloVeModel.Load(b)) { }
        Directory.Delete(Path.Combine(b, "variances"), true);
        Directory.CreateDirectory(Path.Combine(b, "variances"));
        foreach (var f in Directory.GetFiles(Path.Combine(a, "variances"))) File.Copy(f, Path.Combine(b, "variances", Path.GetFileName(f)));
        Assert.Contains("belong to another model", Assert.Throws<GloVeVException>(() => GloVeModel.Load(b)).Message);
    }
}
