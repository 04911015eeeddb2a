using FineTune.Trainer.Methods.Qlora;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Qlora;

/// <summary>The NF4 and FP4 code books: their values, derived independently, and nearest-value encoding.</summary>
public sealed class FourBitCodeBookTests
{
    [Fact]
    public void Nf4_values_are_the_normalised_normal_quantiles_of_the_paper()
    {
        // Dettmers et al. 2023, appendix E: 8 positive quantiles of N(0, 1) over [δ, ½) and 7 negative ones, an exact
        // zero, normalised to [-1, 1]; δ is the mean of 1 − 1/(2·15) and 1 − 1/(2·16).
        var delta = 0.5 * (1 - 1.0 / 30) + 0.5 * (1 - 1.0 / 32);
        double[] Quantiles(int points) => Enumerable.Range(0, points - 1)
            .Select(i => delta + (0.5 - delta) * i / (points - 1)).Select(InverseNormal).ToArray();
        var positive = Quantiles(9);
        var negative = Quantiles(8).Select(v => -v);
        var expected = positive.Concat(negative).Append(0).Select(v => v / positive[0]).Order().ToArray();

        var actual = FourBitCodeBook.Nf4.Values;
        Assert.Equal(16, actual.Count);
        for (var code = 0; code < 16; code++)
            Assert.True(Math.Abs(expected[code] - actual[code]) < 1e-6, $"code {code}: expected {expected[code]:R}, table has {actual[code]:R}");
    }

    [Fact]
    public void Fp4_values_are_e2m1_floats_over_six_with_the_sign_in_the_top_bit()
    {
        var e2m1 = new[] { 0, 0.5, 1, 1.5, 2, 3, 4, 6 };
        for (var code = 0; code < 16; code++)
        {
            var magnitude = e2m1[code & 7] / 6;
            Assert.Equal(code >= 8 ? -magnitude : magnitude, FourBitCodeBook.Fp4.Values[code], 6);
        }
    }

    [Theory]
    [InlineData("nf4")]
    [InlineData("fp4")]
    public void Every_code_value_encodes_to_a_code_with_that_same_value(string name)
    {
        var book = name == "nf4" ? FourBitCodeBook.Nf4 : FourBitCodeBook.Fp4;
        using var values = tensor(book.Values.ToArray());

        using var codes = book.Encode(values);
        using var decoded = book.Decode(codes);

        Assert.True(decoded.allclose(values, 0, 0), $"{name}: {string.Join(", ", decoded.data<float>().ToArray())}");
        if (name == "nf4") Assert.Equal(Enumerable.Range(0, 16).Select(i => (byte)i), codes.data<byte>().ToArray());
    }

    [Theory]
    [InlineData("nf4")]
    [InlineData("fp4")]
    public void Encoding_picks_the_nearest_value(string name)
    {
        var book = name == "nf4" ? FourBitCodeBook.Nf4 : FourBitCodeBook.Fp4;
        manual_seed(1);
        using var x = rand(4096).mul(2).sub(1);

        using var decoded = book.Decode(book.Encode(x));

        using var table = tensor(book.Values.ToArray());
        using var nearest = x.unsqueeze(1).sub(table).abs().amin([1]);
        using var error = x.sub(decoded).abs();
        Assert.True(error.sub(nearest).abs().max().item<float>() < 1e-7, "some value was not encoded to its nearest code");
    }

    // Φ⁻¹(p) = √2 · erfinv(2p − 1), in double precision.
    private static double InverseNormal(double p)
    {
        using var t = tensor(2 * p - 1, ScalarType.Float64);
        using var e = t.erfinv();
        return Math.Sqrt(2) * e.item<double>();
    }
}
