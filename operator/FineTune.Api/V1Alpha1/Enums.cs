using System.Text.Json.Serialization;

namespace FineTune.Api.V1Alpha1;

/// <summary>The fine-tuning method a job runs.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FineTuneMethod>))]
public enum FineTuneMethod
{
    /// <summary>Every parameter is trained.</summary>
    [JsonStringEnumMemberName("full")] Full,
    /// <summary>Embeddings and the bottom layers are frozen; the top layers and the head train.</summary>
    [JsonStringEnumMemberName("frozen")] Frozen,
    /// <summary>Low-rank adapters on chosen linear layers.</summary>
    [JsonStringEnumMemberName("lora")] Lora,
    /// <summary>Prefix tuning, P-tuning v2 or prompt tuning.</summary>
    [JsonStringEnumMemberName("prefix")] Prefix,
    /// <summary>Bottleneck adapters (Houlsby or Pfeiffer placement).</summary>
    [JsonStringEnumMemberName("adapter")] Adapter,
    /// <summary>LoRA over a 4-bit quantized base model.</summary>
    [JsonStringEnumMemberName("qlora")] Qlora,
    /// <summary>Quantization-aware fine-tuning with fake-quantized weights and activations.</summary>
    [JsonStringEnumMemberName("qat")] Qat,
    /// <summary>Unsupervised prefix fine-tuning on the model's own first tokens (arXiv 2503.02875).</summary>
    [JsonStringEnumMemberName("upft")] Upft,
    /// <summary>Multi-stage alignment: SFT, reward model and PPO, or SFT and DPO.</summary>
    [JsonStringEnumMemberName("rlhf")] Rlhf,
}

/// <summary>Which member of the prefix-tuning family to train.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PrefixVariant>))]
public enum PrefixVariant
{
    /// <summary>Key/value prefixes in every layer produced through a reparameterisation MLP (Li and Liang, 2021).</summary>
    [JsonStringEnumMemberName("prefix")] Prefix,
    /// <summary>Deep prompts in every layer trained directly, without the MLP (Liu et al., 2022).</summary>
    [JsonStringEnumMemberName("ptuning-v2")] PtuningV2,
    /// <summary>Soft prompt embeddings at the input only (Lester et al., 2021).</summary>
    [JsonStringEnumMemberName("prompt")] Prompt,
}

/// <summary>Where bottleneck adapters are inserted in each block.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AdapterPlacement>))]
public enum AdapterPlacement
{
    /// <summary>After the attention output and after the feed-forward block (Houlsby et al., 2019).</summary>
    [JsonStringEnumMemberName("houlsby")] Houlsby,
    /// <summary>After the feed-forward block only (Pfeiffer et al., 2020).</summary>
    [JsonStringEnumMemberName("pfeiffer")] Pfeiffer,
}

/// <summary>The activation between an adapter's down- and up-projection.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NonLinearity>))]
public enum NonLinearity
{
    /// <summary>max(0, x).</summary>
    [JsonStringEnumMemberName("relu")] Relu,
    /// <summary>Gaussian error linear unit.</summary>
    [JsonStringEnumMemberName("gelu")] Gelu,
    /// <summary>x * sigmoid(x).</summary>
    [JsonStringEnumMemberName("silu")] Silu,
    /// <summary>Hyperbolic tangent.</summary>
    [JsonStringEnumMemberName("tanh")] Tanh,
}

/// <summary>How the records of a JSONL dataset are shaped.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DatasetFormat>))]
public enum DatasetFormat
{
    /// <summary><c>{"text": ...}</c> or pre-tokenized <c>{"input_ids": [...]}</c>.</summary>
    [JsonStringEnumMemberName("text")] Text,
    /// <summary>Alpaca style <c>{"instruction", "input", "output"}</c>.</summary>
    [JsonStringEnumMemberName("instruction")] Instruction,
    /// <summary><c>{"messages": [{"role", "content"}]}</c> rendered with a chat template.</summary>
    [JsonStringEnumMemberName("chat")] Chat,
    /// <summary><c>{"text", "label"}</c> for sequence classification.</summary>
    [JsonStringEnumMemberName("classification")] Classification,
    /// <summary><c>{"prompt", "chosen", "rejected"}</c> for reward models and DPO.</summary>
    [JsonStringEnumMemberName("preference")] Preference,
    /// <summary><c>{"prompt"}</c> only, for PPO rollouts and UPFT.</summary>
    [JsonStringEnumMemberName("prompt")] Prompt,
}

/// <summary>The chat template used to render <c>chat</c> records.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChatTemplate>))]
public enum ChatTemplate
{
    /// <summary><c>&lt;|im_start|&gt;role ... &lt;|im_end|&gt;</c> (Qwen, many fine-tunes).</summary>
    [JsonStringEnumMemberName("chatml")] Chatml,
    /// <summary>Llama 3 header tokens.</summary>
    [JsonStringEnumMemberName("llama3")] Llama3,
    /// <summary><c>role: content</c> lines, for models without special tokens.</summary>
    [JsonStringEnumMemberName("plain")] Plain,
}

/// <summary>What happens to a sequence longer than <c>hyperparameters.sequenceLength</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TruncationMode>))]
public enum TruncationMode
{
    /// <summary>Cut it to the limit and count it in the warnings.</summary>
    [JsonStringEnumMemberName("truncate")] Truncate,
    /// <summary>Stop with an error naming the file and line.</summary>
    [JsonStringEnumMemberName("error")] Error,
}

/// <summary>Which artifacts a run writes to its output.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SaveMode>))]
public enum SaveMode
{
    /// <summary>Only the adapter (PEFT layout: adapter_config.json + adapter_model.safetensors).</summary>
    [JsonStringEnumMemberName("adapter")] Adapter,
    /// <summary>A full model in Hugging Face layout, with any adapter merged into the weights.</summary>
    [JsonStringEnumMemberName("merged")] Merged,
    /// <summary>Both of the above.</summary>
    [JsonStringEnumMemberName("both")] Both,
}

/// <summary>Learning-rate schedule after warmup.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LearningRateSchedule>))]
public enum LearningRateSchedule
{
    /// <summary>Half-cosine decay to zero.</summary>
    [JsonStringEnumMemberName("cosine")] Cosine,
    /// <summary>Linear decay to zero.</summary>
    [JsonStringEnumMemberName("linear")] Linear,
    /// <summary>Constant after warmup.</summary>
    [JsonStringEnumMemberName("constant")] Constant,
}

/// <summary>Numeric precision of training.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Precision>))]
public enum Precision
{
    /// <summary>32-bit floats everywhere.</summary>
    [JsonStringEnumMemberName("fp32")] Fp32,
    /// <summary>bfloat16 compute with fp32 master weights and optimizer state.</summary>
    [JsonStringEnumMemberName("bf16")] Bf16,
}

/// <summary>Where the trainer computes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ComputeDevice>))]
public enum ComputeDevice
{
    /// <summary>CUDA when <c>resources.gpus</c> is above zero, otherwise CPU.</summary>
    [JsonStringEnumMemberName("auto")] Auto,
    /// <summary>CPU only.</summary>
    [JsonStringEnumMemberName("cpu")] Cpu,
    /// <summary>CUDA; fails when no GPU is visible.</summary>
    [JsonStringEnumMemberName("cuda")] Cuda,
}

/// <summary>4-bit data type of a QLoRA base model.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QuantType>))]
public enum QuantType
{
    /// <summary>4-bit NormalFloat (Dettmers et al., 2023).</summary>
    [JsonStringEnumMemberName("nf4")] Nf4,
    /// <summary>4-bit float (e2m1).</summary>
    [JsonStringEnumMemberName("fp4")] Fp4,
}

/// <summary>How a quantization-aware run stores its result.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QatExport>))]
public enum QatExport
{
    /// <summary>Integer weights with their scales (int8 containers, also for 4-bit weights).</summary>
    [JsonStringEnumMemberName("int8")] Int8,
    /// <summary>Weights rounded to the quantization grid and stored as fp32.</summary>
    [JsonStringEnumMemberName("fp32")] Fp32,
}

/// <summary>How the policy is trained inside a composite method (rlhf, upft).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PolicyMethod>))]
public enum PolicyMethod
{
    /// <summary>Every parameter is trained.</summary>
    [JsonStringEnumMemberName("full")] Full,
    /// <summary>LoRA adapters configured by <c>spec.lora</c>; disabling them gives the reference model.</summary>
    [JsonStringEnumMemberName("lora")] Lora,
}

/// <summary>A stage of an rlhf pipeline.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RlhfStageName>))]
public enum RlhfStageName
{
    /// <summary>Supervised fine-tuning on demonstrations.</summary>
    [JsonStringEnumMemberName("sft")] Sft,
    /// <summary>A reward model trained on preference pairs.</summary>
    [JsonStringEnumMemberName("reward")] Reward,
    /// <summary>Proximal policy optimisation against the reward model.</summary>
    [JsonStringEnumMemberName("ppo")] Ppo,
    /// <summary>Direct preference optimisation (replaces reward + ppo).</summary>
    [JsonStringEnumMemberName("dpo")] Dpo,
}

/// <summary>The loss a DPO stage minimises.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DpoLoss>))]
public enum DpoLoss
{
    /// <summary>-log sigmoid(beta * margin) (Rafailov et al., 2023).</summary>
    [JsonStringEnumMemberName("sigmoid")] Sigmoid,
    /// <summary>Identity preference optimisation: (margin - 1/(2 beta))^2.</summary>
    [JsonStringEnumMemberName("ipo")] Ipo,
}

/// <summary>What a spec change does while a run is in progress.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SpecChangePolicy>))]
public enum SpecChangePolicy
{
    /// <summary>Stop the current run and start a new one with the new spec.</summary>
    [JsonStringEnumMemberName("restart")] Restart,
    /// <summary>Finish the current run first, then start a new one.</summary>
    [JsonStringEnumMemberName("ignoreUntilFinished")] IgnoreUntilFinished,
}

/// <summary>Effect of a node taint a toleration matches.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaintEffect>))]
public enum TaintEffect
{
    /// <summary>Pods are not scheduled.</summary>
    NoSchedule,
    /// <summary>Pods are avoided when possible.</summary>
    PreferNoSchedule,
    /// <summary>Running pods are evicted.</summary>
    NoExecute,
}

/// <summary>How a toleration compares its key and value.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TolerationOperator>))]
public enum TolerationOperator
{
    /// <summary>Key and value must be equal.</summary>
    Equal,
    /// <summary>Only the key must be present.</summary>
    Exists,
}
