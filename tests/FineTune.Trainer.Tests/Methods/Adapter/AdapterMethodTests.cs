using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Adapter;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Tests.Data;
using static FineTune.Trainer.Tests.Methods.Peft.PeftTestSupport;

namespace FineTune.Trainer.Tests.Methods.Adapter;

public sealed class AdapterMethodTests
{
    [Fact]
    public void Houlsby_wraps_attention_and_feed_forward_outputs_and_pfeiffer_only_feed_forward()
    {
        var houlsby = Model("llama");
        new AdapterMethod(new AdapterOptions { Placement = AdapterPlacement.Houlsby }).Apply(houlsby);
        var pfeiffer = Model("gpt2");
        new AdapterMethod(new AdapterOptions { Placement = AdapterPlacement.Pfeiffer }).Apply(pfeiffer);

        var houlsbyNames = houlsby.Module.named_parameters().Select(p => p.name).Where(AdapterMethod.IsAdapterParameter).ToArray();
        Assert.Contains("model.layers.0.self_attn.o_proj.adapter_down.weight", houlsbyNames);
        Assert.Contains("model.layers.1.mlp.down_proj.adapter_up.bias", houlsbyNames);
        var pfeifferNames = pfeiffer.Module.named_parameters().Select(p => p.name).Where(AdapterMethod.IsAdapterParameter).ToArray();
        Assert.Contains("transformer.h.0.mlp.c_proj.adapter_down.weight", pfeifferNames);
        Assert.DoesNotContain(pfeifferNames, n => n.Contains(".attn."));
    }

    [Fact]
    public void Up_projection_starts_at_zero_and_bottleneck_is_hidden_over_reduction()
    {
        var model = Model("gpt2");
        new AdapterMethod(new AdapterOptions { ReductionFactor = 16 }).Apply(model);
        var layers = model.Module.modules().OfType<BottleneckLayer>().ToArray();
        Assert.Equal(2 * model.Config.NumLayers, layers.Length);
        Assert.All(layers, l =>
        {
            Assert.Equal(0, l.adapter_up.weight!.abs().sum().item<float>());
            Assert.Equal([4L, 64L], l.adapter_down.weight!.shape);
        });
    }

    [Fact]
    public void Merge_is_refused_with_the_reason()
    {
        var model = Model("gpt2");
        var method = new AdapterMethod(new AdapterOptions());
        method.Apply(model);
        var merge = Assert.Throws<NotSupportedException>(() => method.Merge(model));
        Assert.Contains("method adapter (BOTTLENECK) cannot be merged", merge.Message);
        using var dir = new TempDirectory();
        Assert.Throws<NotSupportedException>(() => method.Export(model, dir.Path, SaveMode.Merged));
        Assert.Throws<NotSupportedException>(() => method.ResolveSave(SaveMode.Both));
    }

    [Fact]
    public void Reduction_factor_above_the_hidden_size_is_refused()
    {
        var error = Assert.Throws<PeftException>(() => new AdapterMethod(new AdapterOptions { ReductionFactor = 128 }).Apply(Model("gpt2")));
        Assert.Contains("adapter.reductionFactor: 128", error.Message);
        Assert.Contains("hidden size 64", error.Message);
    }
}
