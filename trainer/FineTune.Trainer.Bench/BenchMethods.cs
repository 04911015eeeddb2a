using FineTune.Api.V1Alpha1;

namespace FineTune.Trainer.Bench;

/// <summary>The fine-tuning method configurations the benchmark measures, by config name.</summary>
internal static class BenchMethods
{
    private static readonly Dictionary<string, (string Description, Action<FineTuneJobSpec> Configure, FineTuneMethod Method)> Configs = new()
    {
        ["full"] = ("full", _ => { }, FineTuneMethod.Full),
        // LoRA r=8 on q, k, v and o: GPT-2 fuses q/k/v in c_attn; o is attn.c_proj. Dropout 0, the default of PEFT's
        // LoraConfig (lora_dropout=0.0), so the layer runs no dropout op at all.
        ["lora"] = ("lora r=8 alpha=16 on c_attn, attn.c_proj", s => s.Lora = new LoraOptions { Rank = 8, Alpha = 16, Dropout = 0, TargetModules = ["c_attn", "attn.c_proj"] }, FineTuneMethod.Lora),
        ["adapter"] = ("adapter houlsby reduction 16 relu", s => s.Adapter = new AdapterOptions(), FineTuneMethod.Adapter),
        ["prefix"] = ("prefix 20 virtual tokens, MLP 512", s => s.Prefix = new PrefixOptions { Variant = PrefixVariant.Prefix, VirtualTokens = 20 }, FineTuneMethod.Prefix),
        ["ptuning-v2"] = ("ptuning-v2 20 virtual tokens", s => s.Prefix = new PrefixOptions { Variant = PrefixVariant.PtuningV2, VirtualTokens = 20 }, FineTuneMethod.Prefix),
        ["prompt"] = ("prompt tuning 20 virtual tokens", s => s.Prefix = new PrefixOptions { Variant = PrefixVariant.Prompt, VirtualTokens = 20 }, FineTuneMethod.Prefix),
        // QLoRA as LoRA above over an NF4 base (block 64, double-quantized scales), the base product in bf16.
        ["qlora"] = ("qlora r=8 alpha=16 on c_attn, attn.c_proj, nf4 block 64 double-quant, bf16 compute",
            s => s.Qlora = new QloraOptions { Rank = 8, Alpha = 16, Dropout = 0, TargetModules = ["c_attn", "attn.c_proj"] }, FineTuneMethod.Qlora),
        // upft's training step is its policy's (here the lora config above); its one-off sampling is not timed.
        ["upft"] = ("upft, policy lora r=8 alpha=16 on c_attn, attn.c_proj (training steps only)", s =>
        {
            s.Upft = new UpftOptions { PromptsUri = "bench", PolicyMethod = PolicyMethod.Lora };
            s.Lora = new LoraOptions { Rank = 8, Alpha = 16, Dropout = 0, TargetModules = ["c_attn", "attn.c_proj"] };
        }, FineTuneMethod.Upft),
        ["qat"] = ("qat 8-bit weights per output channel, symmetric, from step 0, every parameter trains", s => s.Qat = new QatOptions(), FineTuneMethod.Qat),
    };

    /// <summary>The spec selecting config <paramref name="name"/>.</summary>
    public static FineTuneJobSpec Spec(string name)
    {
        var (_, configure, method) = Configs[name];
        var spec = new FineTuneJobSpec
        {
            Method = method,
            Model = new ModelSpec { Uri = "bench" },
            Dataset = new DatasetSpec { Uri = "bench" },
            Output = new OutputSpec { Uri = "bench" },
        };
        configure(spec);
        return spec;
    }

    /// <summary>Virtual tokens config <paramref name="name"/> puts before every sequence's keys (0 for none).</summary>
    public static int VirtualTokens(string name) => Spec(name).Prefix is { } prefix ? prefix.VirtualTokens : 0;

    /// <summary>A one-line description of config <paramref name="name"/>.</summary>
    public static string Describe(string name) => Configs[name].Description;

    /// <summary>Returns <paramref name="name"/> when it is a known config.</summary>
    public static string Check(string name) => Configs.ContainsKey(name) ? name
        : throw new ArgumentException($"--method: '{name}'; expected one of: {string.Join(", ", Configs.Keys)}.");
}
