using FineTune.Trainer.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Models;

public sealed class ModuleReplacerTests
{
    [Theory]
    [InlineData("llama", "model.layers.1.self_attn.v_proj")]
    [InlineData("gpt2", "transformer.h.0.attn.c_attn")]
    public void Wrapped_projection_is_used_in_forward_and_named_under_the_original(string architecture, string target)
    {
        var model = TinyModels.Causal(architecture);
        using var noGrad = no_grad();
        var ids = TinyModels.Tokens(5, 1, 6);
        var before = model.Forward(ids);

        var wrapper = new ScaledWrapper(ModuleReplacer.Get(model.Module, target));
        var old = ModuleReplacer.Replace(model.Module, target, wrapper);
        var names = model.Module.named_parameters().Select(p => p.name).ToList();

        Assert.Contains($"{target}.base_layer.weight", names);
        Assert.Contains($"{target}.scale", names);
        Assert.DoesNotContain($"{target}.weight", names);
        Assert.True(model.Forward(ids).allclose(before, rtol: 0, atol: 1e-6)); // scale starts at 1
        wrapper.scale.fill_(0.5);
        Assert.False(model.Forward(ids).allclose(before, rtol: 0, atol: 1e-4));
        Assert.Same(old, wrapper.base_layer);
    }

    [Fact]
    public void Unknown_module_name_is_an_error_naming_it()
    {
        var model = TinyModels.Causal("llama");
        var error = Assert.Throws<ArgumentException>(() =>
            ModuleReplacer.Replace(model.Module, "model.layers.9.self_attn.q_proj", new ScaledWrapper(nn.Identity())));
        Assert.Contains("model.layers.9.self_attn", error.Message);
    }

    private sealed class ScaledWrapper : nn.Module<Tensor, Tensor>
    {
        public nn.Module<Tensor, Tensor> base_layer;
        public Parameter scale;

        public ScaledWrapper(nn.Module inner) : base(nameof(ScaledWrapper))
        {
            base_layer = (nn.Module<Tensor, Tensor>)inner;
            scale = new Parameter(ones(1));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => base_layer.forward(input).mul(scale);
    }
}
