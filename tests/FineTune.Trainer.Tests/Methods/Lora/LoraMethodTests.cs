using System.Text.Json.Nodes;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Lora;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Models;
using FineTune.Trainer.Models.Gpt2;
using FineTune.Trainer.Tests.Data;
using TorchSharp.PyBridge;
using static FineTune.Trainer.Tests.Methods.Peft.PeftTestSupport;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Lora;

public sealed class LoraMethodTests
{
    [Fact]
    public void Gpt2_conv1d_update_equals_the_dense_formula()
    {
        var model = Model("gpt2");
        var method = new LoraMethod(new LoraOptions { Rank = 4, Alpha = 8, Dropout = 0 });
        Train(model, method);
        var layer = (LoraLayer)((Gpt2LMHeadModel)model).transformer.h[0].attn.c_attn;
        using var x = randn(3, model.Config.HiddenSize);

        using var actual = layer.forward(x);
        // Conv1D layout: y = x·W + b + (alpha/r)·x·Aᵀ·Bᵀ.
        using var expected = x.matmul(layer.weight).add(layer.bias!)
            .add(x.matmul(layer.lora_A.weight!.t()).matmul(layer.lora_B.weight!.t()).mul(8.0 / 4));
        Assert.True(MaxDifference(expected, actual) < 1e-5);
    }

    [Fact]
    public void Scaling_is_alpha_over_rank_or_over_its_root_with_rslora()
    {
        Assert.Equal(16.0 / 4, new LoraMethod(new LoraOptions { Rank = 4, Alpha = 16 }).Scaling);
        Assert.Equal(16.0 / 2, new LoraMethod(new LoraOptions { Rank = 4, Alpha = 16, RsLora = true }).Scaling);
    }

    [Fact]
    public void B_starts_at_zero_and_base_parameter_names_do_not_change()
    {
        var model = Model("llama");
        var baseNames = model.Module.named_parameters().Select(p => p.name).ToHashSet();
        var method = new LoraMethod(new LoraOptions { TargetModules = ["q_proj", "v_proj"] });
        method.Apply(model);

        var names = model.Module.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Superset(baseNames, names);
        Assert.Contains("model.layers.0.self_attn.q_proj.lora_A.weight", names);
        Assert.All(LoraMethod.Layers(model), l => Assert.Equal(0, l.lora_B.weight!.abs().sum().item<float>()));
        Assert.Equal(2 * model.Config.NumLayers, LoraMethod.Layers(model).Count);
    }

    [Fact]
    public void Adapter_files_use_the_peft_layout()
    {
        var model = Model("gpt2");
        var method = new LoraMethod(new LoraOptions { Rank = 4, Alpha = 8, RsLora = true, TargetModules = ["c_attn", "mlp.c_proj"] });
        Train(model, method);
        using var dir = new TempDirectory();
        method.SaveAdapter(model, dir.Path);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, AdapterFiles.Config)))!.AsObject();
        Assert.Equal("LORA", (string?)config["peft_type"]);
        Assert.Equal("CAUSAL_LM", (string?)config["task_type"]);
        Assert.Equal(4, (int)config["r"]!);
        Assert.Equal(8.0, (double)config["lora_alpha"]!);
        Assert.True((bool)config["use_rslora"]!);
        Assert.True((bool)config["fan_in_fan_out"]!);
        Assert.Contains("transformer.h.1.mlp.c_proj", config["target_modules"]!.AsArray().Select(n => (string?)n));
        var tensors = Safetensors.LoadStateDict(Path.Combine(dir.Path, AdapterFiles.Weights));
        Assert.Equal(4 * model.Config.NumLayers, tensors.Count);
        Assert.Equal([4L, 64L], tensors["base_model.model.transformer.h.0.attn.c_attn.lora_A.weight"].shape);
        Assert.Equal([192L, 4L], tensors["base_model.model.transformer.h.0.attn.c_attn.lora_B.weight"].shape);
    }

    [Fact]
    public void Target_that_matches_nothing_lists_the_linear_layers()
    {
        var model = Model("llama");
        var error = Assert.Throws<PeftException>(() => new LoraMethod(new LoraOptions { TargetModules = ["c_attn"] }).Apply(model));
        Assert.Contains("lora.targetModules: 'c_attn' matches no linear layer of the llama model", error.Message);
        Assert.Contains("q_proj", error.Message);
        Assert.Contains("down_proj", error.Message);
    }

    [Fact]
    public void Rank_larger_than_a_target_names_the_target_and_its_dimensions()
    {
        var model = Model("llama");
        var error = Assert.Throws<PeftException>(() => new LoraMethod(new LoraOptions { Rank = 40, TargetModules = ["k_proj"] }).Apply(model));
        Assert.Contains("lora.rank: 40", error.Message);
        Assert.Contains("model.layers.0.self_attn.k_proj", error.Message);
        Assert.Contains("64 → 32", error.Message);
    }

    [Fact]
    public void Adapter_onto_a_base_with_other_shapes_names_the_tensor_and_both_shapes()
    {
        var model = Model("gpt2");
        var method = new LoraMethod(new LoraOptions { Rank = 4 });
        method.Apply(model);
        using var dir = new TempDirectory();
        method.SaveAdapter(model, dir.Path);
        manual_seed(1);
        var wider = new Gpt2LMHeadModel(new Gpt2Config { VocabSize = Vocab, HiddenSize = 32, NumLayers = 2, NumHeads = 4, MaxPositions = 64 });

        var error = Assert.Throws<PeftException>(() => PeftRegistry.LoadAdapter(wider, dir.Path));
        Assert.Contains("'base_model.model.transformer.h.0.attn.c_attn.lora_A.weight' has shape [4, 64]", error.Message);
        Assert.Contains("[4, 32]", error.Message);
    }

    [Fact]
    public void Adapter_onto_another_architecture_is_refused()
    {
        var model = Model("gpt2");
        var method = new LoraMethod(new LoraOptions { Rank = 4 });
        method.Apply(model);
        using var dir = new TempDirectory();
        method.SaveAdapter(model, dir.Path);

        var error = Assert.Throws<PeftException>(() => PeftRegistry.LoadAdapter(Model("llama"), dir.Path));
        Assert.Contains("trained on a gpt2 model", error.Message);
        Assert.Contains("onto a llama model", error.Message);
    }

    [Fact]
    public void Merge_is_refused_while_the_adapter_is_off()
    {
        var model = Model("gpt2");
        var method = new LoraMethod(new LoraOptions { Rank = 4 });
        method.Apply(model);
        method.SetAdapterEnabled(model, false);
        Assert.Throws<InvalidOperationException>(() => method.Merge(model));
    }
}
