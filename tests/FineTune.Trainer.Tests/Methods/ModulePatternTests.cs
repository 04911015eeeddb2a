using FineTune.Trainer.Methods;

namespace FineTune.Trainer.Tests.Methods;

public sealed class ModulePatternTests
{
    [Theory]
    [InlineData("c_attn", "transformer.h.0.attn.c_attn.weight", true)]
    [InlineData("h.*.ln_*", "transformer.h.3.ln_2.bias", true)]
    [InlineData("h.1.mlp", "transformer.h.1.mlp.c_fc.weight", true)]
    [InlineData("h.1.mlp", "transformer.h.11.mlp.c_fc.weight", false)]
    [InlineData("attn", "transformer.h.0.attn_extra.weight", false)]
    [InlineData("ln_*", "transformer.h.0.attn.c_attn.weight", false)]
    [InlineData("*_proj", "model.layers.0.self_attn.q_proj.weight", true)]
    public void Matches_whole_name_components(string pattern, string name, bool matches) =>
        Assert.Equal(matches, new ModulePattern(pattern).Matches(name));
}
