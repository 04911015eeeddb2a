using FineTune.Trainer.Models;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Models;

/// <summary>Properties every decoder must have, checked on each architecture.</summary>
public sealed class CausalLanguageModelTests
{
    public static TheoryData<string> Architectures => new(TinyModels.CausalArchitectures);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Changing_a_later_token_leaves_earlier_logits_unchanged(string architecture)
    {
        var model = TinyModels.Causal(architecture);
        using var noGrad = no_grad();
        var ids = TinyModels.Tokens(1, 2, 10);
        var changed = ids.clone();
        changed[.., 6] = (changed[.., 6] + 1) % 61;

        var a = model.Forward(ids);
        var b = model.Forward(changed);

        Assert.True(a[.., ..6].allclose(b[.., ..6], rtol: 0, atol: 1e-6));
        Assert.False(a[.., 6..].allclose(b[.., 6..], rtol: 0, atol: 1e-3));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Cached_step_by_step_logits_equal_the_full_forward(string architecture)
    {
        var model = TinyModels.Causal(architecture);
        using var noGrad = no_grad();
        var ids = TinyModels.Tokens(2, 1, 9);
        var full = model.Forward(ids);

        using var cache = new KeyValueCache(model.Config.NumLayers);
        var first = model.Forward(ids[.., ..5], cache: cache);
        var steps = new List<Tensor> { first };
        for (int i = 5; i < 9; i++) steps.Add(model.Forward(ids[.., i..(i + 1)], cache: cache));
        var incremental = cat(steps, 1);

        Assert.Equal(9, cache.Length);
        Assert.True(full.allclose(incremental, rtol: 0, atol: 1e-5),
            $"max diff {full.sub(incremental).abs().max().item<float>():E2}");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Prefix_keys_and_values_act_like_earlier_tokens(string architecture)
    {
        // Keys/values injected through IAttention.Prefix must be attended exactly like those of real earlier tokens:
        // feeding tokens 0..3 as a prefix (their cached keys/values) and tokens 4..7 must give the full sequence's
        // logits for 4..7, the model placing them at positions 4..7 after the prefix as Hugging Face does with past
        // key/values. This is the hook prefix tuning uses.
        var model = TinyModels.Causal(architecture);
        using var noGrad = no_grad();
        var ids = TinyModels.Tokens(3, 2, 8);
        var full = model.Forward(ids);
        var prefix = new RecordedPrefix(model.Config.NumLayers);
        model.Forward(ids[.., ..4], cache: prefix.Cache);
        foreach (var attention in model.Attentions) attention.Prefix = prefix;

        var tail = model.Forward(ids[.., 4..]);

        Assert.True(full[.., 4..].allclose(tail, rtol: 0, atol: 1e-5),
            $"max diff {full[.., 4..].sub(tail).abs().max().item<float>():E2}");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Forward_on_ids_equals_forward_on_their_embeddings(string architecture)
    {
        var model = TinyModels.Causal(architecture);
        using var noGrad = no_grad();
        var ids = TinyModels.Tokens(5, 2, 7);
        var fromIds = model.Forward(ids);

        var fromEmbeddings = model.Logits(model.ForwardEmbeddings(model.Embed(ids)));

        Assert.Equal(new long[] { 2, 7, 61 }, fromIds.shape);
        Assert.True(fromIds.allclose(fromEmbeddings, rtol: 0, atol: 0), "the inputs_embeds path computes other logits");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Soft_prompt_acts_like_embeddings_fed_in_front_of_the_input(string architecture)
    {
        // A soft prompt must be exactly a run of input embeddings before the sequence (positions 0..P-1), with the
        // model returning only the real tokens' logits.
        var model = TinyModels.Causal(architecture);
        using var noGrad = no_grad();
        var ids = TinyModels.Tokens(6, 2, 7);
        manual_seed(9);
        var prompt = new FixedPrompt(randn(3, model.Config.HiddenSize).mul(0.1));
        var expected = model.Logits(model.ForwardEmbeddings(cat(new[] { prompt.Embeddings(2), model.Embed(ids) }, 1)))[.., 3..];

        model.SoftPrompt = prompt;
        var actual = model.Forward(ids);

        Assert.Equal(new long[] { 2, 7, 61 }, actual.shape);
        Assert.True(expected.allclose(actual, rtol: 0, atol: 1e-5), $"max diff {expected.sub(actual).abs().max().item<float>():E2}");
    }

    [Fact]
    public void Gpt2_output_head_is_tied_to_the_token_embedding()
    {
        var model = TinyModels.Causal("gpt2");
        var names = model.Module.named_parameters().Select(p => p.name).ToList();
        Assert.DoesNotContain(names, n => n.StartsWith("lm_head", StringComparison.Ordinal));

        var ids = TinyModels.Tokens(4, 1, 5);
        var logits = model.Forward(ids);
        // Only the head uses wte for the last token ids' columns; a gradient on the logits of a token id that does not
        // occur in the input must reach wte through the head.
        var unused = Enumerable.Range(0, 61).First(t => !ids.data<long>().Contains(t));
        logits[.., .., unused].sum().backward();
        var wte = model.Module.named_parameters().Single(p => p.name == "transformer.wte.weight").parameter;
        Assert.True(wte.grad!.select(0, unused).abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Huggingface_module_names_are_the_parameter_names()
    {
        var gpt2 = TinyModels.Causal("gpt2").Module.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Contains("transformer.h.1.attn.c_attn.weight", gpt2);
        Assert.Contains("transformer.h.0.mlp.c_proj.bias", gpt2);
        Assert.Contains("transformer.ln_f.weight", gpt2);

        var qwen = TinyModels.Causal("qwen2").Module.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Contains("model.layers.0.self_attn.q_proj.bias", qwen);
        Assert.DoesNotContain("model.layers.0.self_attn.o_proj.bias", qwen);
        Assert.Contains("model.layers.1.post_attention_layernorm.weight", qwen);
        Assert.DoesNotContain("lm_head.weight", qwen); // qwen2 preset ties embeddings

        var llama = TinyModels.Causal("llama").Module.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Contains("lm_head.weight", llama);
        Assert.DoesNotContain("model.layers.0.self_attn.q_proj.bias", llama);
    }

    private sealed class RecordedPrefix : IKeyValuePrefix
    {
        public RecordedPrefix(int layers) => Cache = new KeyValueCache(layers);

        public KeyValueCache Cache { get; }

        public int Length => (int)Cache.Length;

        public (Tensor Key, Tensor Value) KeysAndValues(int layerIndex, long batchSize) => Cache.Layer(layerIndex);
    }

    private sealed class FixedPrompt(Tensor rows) : ISoftPrompt
    {
        public int Length => (int)rows.shape[0];

        public Tensor Embeddings(long batchSize) => rows.unsqueeze(0).expand(batchSize, -1, -1);
    }
}
