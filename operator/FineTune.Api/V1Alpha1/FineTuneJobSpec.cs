using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>
/// What to train and how. Exactly the option block of the chosen method is set (for rlhf and upft with
/// policyMethod lora, also the lora block).
/// </summary>
[CelRule("self.method != 'frozen' || has(self.frozen)", "required when method is frozen", FieldPath = ".frozen")]
[CelRule("!has(self.frozen) || self.method == 'frozen'", "", FieldPath = ".frozen",
    MessageExpression = "'must be absent when method is ' + self.method + ': set only the option block of the chosen method'")]
[CelRule("self.method != 'lora' || has(self.lora)", "required when method is lora", FieldPath = ".lora")]
[CelRule("!has(self.lora) || self.method == 'lora' || (self.method == 'rlhf' && has(self.rlhf) && self.rlhf.policyMethod == 'lora') || (self.method == 'upft' && has(self.upft) && self.upft.policyMethod == 'lora')",
    "", FieldPath = ".lora",
    MessageExpression = "'must be absent when method is ' + self.method + ': set only the option block of the chosen method (rlhf and upft take it with policyMethod lora)'")]
[CelRule("self.method != 'prefix' || has(self.prefix)", "required when method is prefix", FieldPath = ".prefix")]
[CelRule("!has(self.prefix) || self.method == 'prefix'", "", FieldPath = ".prefix",
    MessageExpression = "'must be absent when method is ' + self.method + ': set only the option block of the chosen method'")]
[CelRule("self.method != 'adapter' || has(self.adapter)", "required when method is adapter", FieldPath = ".adapter")]
[CelRule("!has(self.adapter) || self.method == 'adapter'", "", FieldPath = ".adapter",
    MessageExpression = "'must be absent when method is ' + self.method + ': set only the option block of the chosen method'")]
[CelRule("self.method != 'qlora' || has(self.qlora)", "required when method is qlora", FieldPath = ".qlora")]
[CelRule("!has(self.qlora) || self.method == 'qlora'", "", FieldPath = ".qlora",
    MessageExpression = "'must be absent when method is ' + self.method + ': set only the option block of the chosen method'")]
[CelRule("self.method != 'qat' || has(self.qat)", "required when method is qat", FieldPath = ".qat")]
[CelRule("!has(self.qat) || self.method == 'qat'", "", FieldPath = ".qat",
    MessageExpression = "'must be absent when method is ' + self.method + ': set only the option block of the chosen method'")]
[CelRule("self.method != 'upft' || has(self.upft)", "required when method is upft", FieldPath = ".upft")]
[CelRule("!has(self.upft) || self.method == 'upft'", "", FieldPath = ".upft",
    MessageExpression = "'must be absent when method is ' + self.method + ': set only the option block of the chosen method'")]
[CelRule("self.method != 'rlhf' || has(self.rlhf)", "required when method is rlhf", FieldPath = ".rlhf")]
[CelRule("!has(self.rlhf) || self.method == 'rlhf'", "", FieldPath = ".rlhf",
    MessageExpression = "'must be absent when method is ' + self.method + ': set only the option block of the chosen method'")]
[CelRule("self.method in ['rlhf', 'upft'] || has(self.dataset)", "required unless method is rlhf (each stage names its dataset) or upft (upft.promptsUri)", FieldPath = ".dataset")]
[CelRule("self.method != 'rlhf' || !has(self.dataset)", "must be absent when method is rlhf: each stage names its own dataset", FieldPath = ".dataset")]
[CelRule("!(self.method in ['full', 'frozen', 'qat']) || !has(self.output.save) || self.output.save == 'merged'", "", FieldPath = ".output.save",
    MessageExpression = "'method ' + self.method + ' writes a whole model: save must be merged or left out, got ' + self.output.save")]
[CelRule("!(self.method in ['prefix', 'adapter']) || !has(self.output.save) || self.output.save == 'adapter'", "", FieldPath = ".output.save",
    MessageExpression = "'method ' + self.method + ' cannot be merged into the base weights: save must be adapter or left out, got ' + self.output.save")]
[CelRule("has(self.storage) || !self.model.uri.startsWith('s3://')", "is an s3:// URI: spec.storage.endpoint is required to reach it", FieldPath = ".model.uri")]
[CelRule("has(self.storage) || !has(self.model.tokenizerUri) || !self.model.tokenizerUri.startsWith('s3://')", "is an s3:// URI: spec.storage.endpoint is required to reach it", FieldPath = ".model.tokenizerUri")]
[CelRule("has(self.storage) || !has(self.dataset) || !self.dataset.uri.startsWith('s3://')", "is an s3:// URI: spec.storage.endpoint is required to reach it", FieldPath = ".dataset.uri")]
[CelRule("has(self.storage) || !has(self.dataset) || !has(self.dataset.validationUri) || !self.dataset.validationUri.startsWith('s3://')", "is an s3:// URI: spec.storage.endpoint is required to reach it", FieldPath = ".dataset.validationUri")]
[CelRule("has(self.storage) || !self.output.uri.startsWith('s3://')", "is an s3:// URI: spec.storage.endpoint is required to reach it", FieldPath = ".output.uri")]
[CelRule("has(self.storage) || !has(self.upft) || !self.upft.promptsUri.startsWith('s3://')", "is an s3:// URI: spec.storage.endpoint is required to reach it", FieldPath = ".upft.promptsUri")]
[CelRule("has(self.storage) || !has(self.rlhf) || !has(self.rlhf.rewardModelUri) || !self.rlhf.rewardModelUri.startsWith('s3://')", "is an s3:// URI: spec.storage.endpoint is required to reach it", FieldPath = ".rlhf.rewardModelUri")]
[CelRule("has(self.storage) || !has(self.rlhf) || self.rlhf.stages.all(s, !s.dataset.uri.startsWith('s3://') && (!has(s.dataset.validationUri) || !s.dataset.validationUri.startsWith('s3://')))",
    "a stage dataset is an s3:// URI: spec.storage.endpoint is required to reach it", FieldPath = ".rlhf.stages")]
public sealed class FineTuneJobSpec
{
    /// <summary>The fine-tuning method: full, frozen, lora, prefix, adapter, qlora, qat, upft or rlhf.</summary>
    public required FineTuneMethod Method { get; set; }

    /// <summary>The base model to start from.</summary>
    public required ModelSpec Model { get; set; }

    /// <summary>The training data (every method except rlhf, whose stages name their own, and upft).</summary>
    public DatasetSpec? Dataset { get; set; }

    /// <summary>Where the run writes its checkpoints and results.</summary>
    public required OutputSpec Output { get; set; }

    /// <summary>How the trainer reaches s3:// URIs. Required when any URI is s3://.</summary>
    public StorageSpec? Storage { get; set; }

    /// <summary>Optimisation settings shared by every method.</summary>
    public Hyperparameters Hyperparameters { get; set; } = new();

    /// <summary>Options of method frozen.</summary>
    public FrozenOptions? Frozen { get; set; }

    /// <summary>Options of method lora (and of the rlhf/upft policy when policyMethod is lora).</summary>
    public LoraOptions? Lora { get; set; }

    /// <summary>Options of method prefix.</summary>
    public PrefixOptions? Prefix { get; set; }

    /// <summary>Options of method adapter.</summary>
    public AdapterOptions? Adapter { get; set; }

    /// <summary>Options of method qlora.</summary>
    public QloraOptions? Qlora { get; set; }

    /// <summary>Options of method qat.</summary>
    public QatOptions? Qat { get; set; }

    /// <summary>Options of method upft.</summary>
    public UpftOptions? Upft { get; set; }

    /// <summary>Stages and options of method rlhf.</summary>
    public RlhfOptions? Rlhf { get; set; }

    /// <summary>Compute each training pod requests.</summary>
    public ResourcesSpec Resources { get; set; } = new();

    /// <summary>Trainer image; when empty the operator's configured image is used.</summary>
    [Pattern(Patterns.Image, Patterns.ImageAccepted), Length(Max = 1024)]
    public string? Image { get; set; }

    /// <summary>Priority and queueing.</summary>
    public SchedulingSpec Scheduling { get; set; } = new();

    /// <summary>Retries, deadlines, suspension and what a spec change does.</summary>
    public RunPolicy RunPolicy { get; set; } = new();
}
