using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Methods.Qlora;
using FineTune.Trainer.Models;
using FineTune.Trainer.Models.Llama;
using FineTune.Trainer.Tests.Methods.Peft;
using FineTune.Trainer.Tests.Methods.Qlora;

namespace FineTune.Trainer.Tests.Methods;

/// <summary>
/// The one table of fine-tuning methods: a row per method configuration with the spec that selects it, the tiny
/// architecture it runs on, and its trainable-parameter count written as the method's formula over the model's
/// config. Every generic test (<see cref="MethodContractTests"/>, <see cref="MethodLearningTests"/>) runs every row;
/// a new method adds its rows here.
/// </summary>
internal static class MethodTable
{
    /// <param name="Architecture">The tiny model the row runs on.</param>
    /// <param name="Spec">The job spec that selects and configures the method.</param>
    /// <param name="TrainableCount">How many parameters train, as the method's formula.</param>
    /// <param name="StartsAsBase">False when the method changes the outputs before any training (virtual tokens).</param>
    /// <param name="LearningRate">For the learning test: soft prompts need a far higher rate than weights (Lester et al. use 0.3).</param>
    /// <param name="RequiredFall">The relative fall of validation loss the learning test demands in 24 steps.</param>
    /// <param name="ToBase">Turns a fresh model into the base the adapter sits on when that differs from it (qlora: target weights rounded to their 4-bit values).</param>
    public sealed record Row(string Architecture, Func<FineTuneJobSpec> Spec, Func<ModelConfig, long> TrainableCount, bool StartsAsBase = true,
        double LearningRate = 1e-2, double RequiredFall = 0.005, Action<ICausalLanguageModel>? ToBase = null)
    {
        public IFineTuneMethod Create() => MethodRegistry.Create(Spec());
    }

    public static readonly Dictionary<string, Row> Rows = new()
    {
        ["full"] = new("gpt2", () => PeftTestSupport.Spec(FineTuneMethod.Full), c => Gpt2Total(c)),
        ["frozen"] = new("gpt2", () => PeftTestSupport.Spec(FineTuneMethod.Frozen, s => s.Frozen = new FrozenOptions { TrainableLayers = 1 }),
            c => Gpt2Block(c) + 2L * c.HiddenSize),
        ["lora-gpt2-default"] = new("gpt2", () => PeftTestSupport.Spec(FineTuneMethod.Lora, s => s.Lora = new LoraOptions { Rank = 4, Dropout = 0 }),
            c => c.NumLayers * 4L * (c.HiddenSize + 3L * c.HiddenSize)),
        ["lora-llama-qkvo"] = new("llama", () => PeftTestSupport.Spec(FineTuneMethod.Lora,
                s => s.Lora = new LoraOptions { Rank = 8, Dropout = 0, TargetModules = ["q_proj", "k_proj", "v_proj", "o_proj"] }),
            c => c.NumLayers * 8L * LlamaAttentionInOut((LlamaConfig)c)),
        ["lora-llama-all-linear-rslora"] = new("llama", () => PeftTestSupport.Spec(FineTuneMethod.Lora,
                s => s.Lora = new LoraOptions { Rank = 2, Alpha = 8, Dropout = 0, RsLora = true, TargetModules = ["all-linear"] }),
            c => c.NumLayers * 2L * (LlamaAttentionInOut((LlamaConfig)c) + 3L * (c.HiddenSize + ((LlamaConfig)c).IntermediateSize))),
        ["lora-llama-modules-to-save"] = new("llama", () => PeftTestSupport.Spec(FineTuneMethod.Lora,
                s => s.Lora = new LoraOptions { Rank = 4, Dropout = 0, ModulesToSave = ["lm_head"] }),
            c => c.NumLayers * 4L * (2L * c.HiddenSize + c.NumHeads * c.HeadDim + ((LlamaConfig)c).NumKeyValueHeads * c.HeadDim)
                 + (long)c.VocabSize * c.HiddenSize),
        ["adapter-gpt2-houlsby"] = new("gpt2", () => PeftTestSupport.Spec(FineTuneMethod.Adapter,
                s => s.Adapter = new AdapterOptions { Placement = AdapterPlacement.Houlsby, ReductionFactor = 4 }),
            c => 2L * c.NumLayers * Bottleneck(c.HiddenSize, c.HiddenSize / 4)),
        ["adapter-llama-pfeiffer-gelu"] = new("llama", () => PeftTestSupport.Spec(FineTuneMethod.Adapter,
                s => s.Adapter = new AdapterOptions { Placement = AdapterPlacement.Pfeiffer, ReductionFactor = 8, NonLinearity = NonLinearity.Gelu }),
            c => c.NumLayers * Bottleneck(c.HiddenSize, c.HiddenSize / 8)),
        ["prefix-gpt2-mlp"] = new("gpt2", () => PeftTestSupport.Spec(FineTuneMethod.Prefix,
                s => s.Prefix = new PrefixOptions { Variant = PrefixVariant.Prefix, VirtualTokens = 4, ProjectionHiddenSize = 16 }),
            c => 4L * c.HiddenSize + (c.HiddenSize * 16L + 16) + (16L * PrefixWidth(c, c.NumHeads) + PrefixWidth(c, c.NumHeads)),
            StartsAsBase: false),
        ["ptuning-v2-llama"] = new("llama", () => PeftTestSupport.Spec(FineTuneMethod.Prefix,
                s => s.Prefix = new PrefixOptions { Variant = PrefixVariant.PtuningV2, VirtualTokens = 5 }),
            c => 5L * PrefixWidth(c, ((LlamaConfig)c).NumKeyValueHeads), StartsAsBase: false),
        ["prompt-gpt2"] = new("gpt2", () => PeftTestSupport.Spec(FineTuneMethod.Prefix,
                s => s.Prefix = new PrefixOptions { Variant = PrefixVariant.Prompt, VirtualTokens = 8 }),
            // 8 input vectors steer a random GPT-2 base least of all rows (measured: a 0.34 % fall in 24 steps).
            c => 8L * c.HiddenSize, StartsAsBase: false, LearningRate: 0.3, RequiredFall: 0.002),
        ["prompt-llama"] = new("llama", () => PeftTestSupport.Spec(FineTuneMethod.Prefix,
                s => s.Prefix = new PrefixOptions { Variant = PrefixVariant.Prompt, VirtualTokens = 8 }),
            c => 8L * c.HiddenSize, StartsAsBase: false, LearningRate: 0.1),
        ["qlora-gpt2-nf4-double-quant"] = new("gpt2", () => QloraTestSupport.Spec(QloraGpt2),
            c => c.NumLayers * 4L * (c.HiddenSize + 3L * c.HiddenSize), ToBase: m => new QloraMethod(QloraGpt2).RoundTargetWeights(m)),
        ["qlora-llama-all-linear-fp4"] = new("llama", () => QloraTestSupport.Spec(QloraLlama),
            c => c.NumLayers * 2L * (LlamaAttentionInOut((LlamaConfig)c) + 3L * (c.HiddenSize + ((LlamaConfig)c).IntermediateSize)),
            ToBase: m => new QloraMethod(QloraLlama).RoundTargetWeights(m)),
        // Fake quantization from the first step changes the outputs at once; every parameter trains through it.
        ["qat-gpt2-int8-groups"] = new("gpt2", () => PeftTestSupport.Spec(FineTuneMethod.Qat,
                s => s.Qat = new QatOptions { WeightBits = 8, GroupSize = 32, Export = QatExport.Int8 }),
            c => Gpt2Total(c), StartsAsBase: false),
        ["qat-llama-int4-asymmetric-fp32"] = new("llama", () => PeftTestSupport.Spec(FineTuneMethod.Qat,
                s => s.Qat = new QatOptions { WeightBits = 4, Symmetric = false, Export = QatExport.Fp32 }),
            c => LlamaTotal((LlamaConfig)c), StartsAsBase: false),
        // upft's own part is its data (Methods/Upft tests); here its policy wrapper. The lora policy is LoraMethod itself
        // behind the wrapper, which is no IPeftMethod, so this table's adapter checks cannot express it (UpftJobTests do).
        ["upft-full-gpt2"] = new("gpt2", () => PeftTestSupport.Spec(FineTuneMethod.Upft,
                s => s.Upft = new UpftOptions { PromptsUri = "prompts.jsonl", PolicyMethod = PolicyMethod.Full }),
            c => Gpt2Total(c)),
    };

    // fp32 compute, so that outputs compare exactly with the dequantized base and the merged model.
    private static QloraOptions QloraGpt2 => QloraTestSupport.Options();

    private static QloraOptions QloraLlama => QloraTestSupport.Options(o =>
    {
        o.Rank = 2;
        o.Alpha = 8;
        o.TargetModules = ["all-linear"];
        o.QuantType = QuantType.Fp4;
        o.BlockSize = 32;
        o.DoubleQuant = false;
    });

    public static TheoryData<string> All => new(Rows.Keys);

    // Sum of in + out features over q, k, v and o projections.
    private static long LlamaAttentionInOut(LlamaConfig c)
    {
        long d = c.HiddenSize, q = (long)c.NumHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim;
        return (d + q) + 2 * (d + kv) + (q + d);
    }

    // One virtual token's keys and values over all layers: layers · 2 · kv_heads · head_dim.
    private static long PrefixWidth(ModelConfig c, int kvHeads) => 2L * c.NumLayers * kvHeads * c.HeadDim;

    // down d → m with bias, up m → d with bias.
    private static long Bottleneck(long d, long m) => d * m + m + m * d + d;

    private static long Gpt2Block(ModelConfig c)
    {
        long d = c.HiddenSize, inner = 4 * d;
        return 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + 2 * d + (d * inner + inner) + (inner * d + d);
    }

    // Embeddings, per layer q, k, v, o, gate, up, down and two norms, the final norm and the untied head.
    private static long LlamaTotal(LlamaConfig c)
    {
        long d = c.HiddenSize, q = (long)c.NumHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim, inner = c.IntermediateSize;
        var layer = d * q + 2 * d * kv + q * d + 3 * d * inner + 2 * d;
        return (long)c.VocabSize * d * (c.TieWordEmbeddings ? 1 : 2) + c.NumLayers * layer + d;
    }

    private static long Gpt2Total(ModelConfig c) =>
        (long)c.VocabSize * c.HiddenSize + (long)c.MaxPositions * c.HiddenSize + c.NumLayers * Gpt2Block(c) + 2L * c.HiddenSize;
}
