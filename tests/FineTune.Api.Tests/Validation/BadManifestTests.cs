using System.Text.Json.Nodes;
using FineTune.Api.Tests.Support;
using FineTune.Api.Validation;

namespace FineTune.Api.Tests.Validation;

public sealed class BadManifestTests
{
    /// <summary>A valid LoRA job every case starts from.</summary>
    private static JsonObject ValidLoraJob() => JsonNode.Parse("""
        {
          "apiVersion": "finetune.dev/v1alpha1",
          "kind": "FineTuneJob",
          "metadata": {"name": "support-bot", "namespace": "ml"},
          "spec": {
            "method": "lora",
            "model": {"uri": "s3://models/gpt2/"},
            "dataset": {"uri": "s3://datasets/train.jsonl", "format": "instruction"},
            "output": {"uri": "s3://runs/support-bot/"},
            "storage": {"endpoint": "http://minio.minio.svc:9000", "credentialsSecret": "minio-credentials"},
            "lora": {"rank": 8, "alpha": 16}
          }
        }
        """)!.AsObject();

    private static JsonObject RlhfJob(params string[] stages)
    {
        var job = ValidLoraJob().Set("spec.method", "rlhf").Without("spec.dataset").Without("spec.lora");
        var formats = new Dictionary<string, string> { ["sft"] = "chat", ["reward"] = "preference", ["ppo"] = "prompt", ["dpo"] = "preference" };
        var list = new JsonArray(stages.Select(s => (JsonNode)new JsonObject
        {
            ["name"] = s,
            ["dataset"] = new JsonObject { ["uri"] = $"data/{s}.jsonl", ["format"] = formats.GetValueOrDefault(s, "text") },
        }).ToArray());
        return job.Set("spec.rlhf", new JsonObject { ["stages"] = list });
    }

    /// <summary>Case name → (manifest, expected path, expected message, whether a plain JSON Schema also rejects it).</summary>
    private static readonly Dictionary<string, (Func<JsonObject> Manifest, string Path, string Message, bool Structural)> Cases = new()
    {
        ["unknown method"] = (() => ValidLoraJob().Set("spec.method", "lorra"), "spec.method", "must be one of full, frozen, lora, prefix, adapter, qlora, qat, upft, rlhf; got \"lorra\"", true),
        ["method of the wrong type"] = (() => ValidLoraJob().Set("spec.method", 5), "spec.method", "must be a string, got number 5", true),
        ["model missing"] = (() => ValidLoraJob().Without("spec.model"), "spec.model", "required field is missing", true),
        ["output uri missing"] = (() => ValidLoraJob().Without("spec.output.uri"), "spec.output.uri", "required field is missing", true),
        ["unknown spec field"] = (() => ValidLoraJob().Set("spec.learningRate", 0.1), "spec.learningRate", "unknown field; accepted fields here: method, model, dataset", true),
        ["unknown lora field"] = (() => ValidLoraJob().Set("spec.lora.rnk", 4), "spec.lora.rnk", "unknown field; accepted fields here: rank, alpha, dropout, targetModules, rsLora, modulesToSave", true),
        ["rank zero"] = (() => ValidLoraJob().Set("spec.lora.rank", 0), "spec.lora.rank", "must be between 1 and 1024, got 0", true),
        ["rank too large"] = (() => ValidLoraJob().Set("spec.lora.rank", 2048), "spec.lora.rank", "must be between 1 and 1024, got 2048", true),
        ["rank as a word"] = (() => ValidLoraJob().Set("spec.lora.rank", "eight"), "spec.lora.rank", "must be an integer, got string \"eight\"", true),
        ["rank not whole"] = (() => ValidLoraJob().Set("spec.lora.rank", 8.5), "spec.lora.rank", "must be an integer, got number 8.5", true),
        ["dropout of one"] = (() => ValidLoraJob().Set("spec.lora.dropout", 1), "spec.lora.dropout", "must be at least 0 and less than 1, got 1", true),
        ["learning rate zero"] = (() => ValidLoraJob().Set("spec.hyperparameters.learningRate", 0), "spec.hyperparameters.learningRate", "must be greater than 0 and at most 1, got 0", true),
        ["batch size zero"] = (() => ValidLoraJob().Set("spec.hyperparameters.batchSize", 0), "spec.hyperparameters.batchSize", "must be between 1 and 4096, got 0", true),
        ["fp16 precision"] = (() => ValidLoraJob().Set("spec.hyperparameters.precision", "fp16"), "spec.hyperparameters.precision", "must be one of fp32, bf16; got \"fp16\"", true),
        ["unknown scheduler"] = (() => ValidLoraJob().Set("spec.hyperparameters.scheduler", "step"), "spec.hyperparameters.scheduler", "must be one of cosine, linear, constant; got \"step\"", true),
        ["three weight bits"] = (() => ValidLoraJob().Set("spec.method", "qat").Without("spec.lora").Set("spec.qat", new JsonObject { ["weightBits"] = 3 }), "spec.qat.weightBits", "must be one of 4, 8; got 3", true),
        ["odd qlora block size"] = (() => ValidLoraJob().Set("spec.method", "qlora").Without("spec.lora").Set("spec.qlora", new JsonObject { ["blockSize"] = 48 }), "spec.qlora.blockSize", "must be one of 32, 64, 128, 256; got 48", true),
        ["no virtual tokens"] = (() => ValidLoraJob().Set("spec.method", "prefix").Without("spec.lora").Set("spec.prefix", new JsonObject { ["virtualTokens"] = 0 }), "spec.prefix.virtualTokens", "must be between 1 and 512, got 0", true),
        ["option block of the method missing"] = (() => ValidLoraJob().Without("spec.lora"), "spec.lora", "required when method is lora", false),
        ["option block of another method"] = (() => ValidLoraJob().Set("spec.adapter", new JsonObject()), "spec.adapter", "must be absent when method is lora: set only the option block of the chosen method", false),
        ["lora block on full fine-tuning"] = (() => ValidLoraJob().Set("spec.method", "full"), "spec.lora", "must be absent when method is full", false),
        ["s3 dataset without storage"] = (() => ValidLoraJob().Without("spec.storage").Set("spec.model.uri", "models/gpt2").Set("spec.output.uri", "runs/"), "spec.dataset.uri", "is an s3:// URI: spec.storage.endpoint is required to reach it", false),
        ["http uri"] = (() => ValidLoraJob().Set("spec.dataset.uri", "https://example.com/train.jsonl"), "spec.dataset.uri", "must be an s3://bucket/key URI, a file:// URI or a path; got \"https://example.com/train.jsonl\"", true),
        ["storage endpoint without scheme"] = (() => ValidLoraJob().Set("spec.storage.endpoint", "minio:9000"), "spec.storage.endpoint", "must be an http:// or https:// endpoint", true),
        ["secret name with capitals"] = (() => ValidLoraJob().Set("spec.storage.credentialsSecret", "Minio_Creds"), "spec.storage.credentialsSecret", "must be a lowercase DNS-1123 name", true),
        ["epochs and max steps"] = (() => ValidLoraJob().Set("spec.hyperparameters.epochs", 2).Set("spec.hyperparameters.maxSteps", 100), "spec.hyperparameters.maxSteps", "set epochs or maxSteps, not both", false),
        ["validation uri and split"] = (() => ValidLoraJob().Set("spec.dataset.validationUri", "s3://datasets/val.jsonl").Set("spec.dataset.validationSplit", 0.1), "spec.dataset.validationSplit", "set validationUri or validationSplit, not both", false),
        ["validation split too large"] = (() => ValidLoraJob().Set("spec.dataset.validationSplit", 0.9), "spec.dataset.validationSplit", "must be greater than 0 and at most 0.5, got 0.9", true),
        ["rlhf stages out of order"] = (() => RlhfJob("reward", "sft", "ppo"), "spec.rlhf.stages", "stages must follow sft → reward → ppo or sft → dpo, each at most once, got reward → sft → ppo", false),
        ["rlhf stage repeated"] = (() => RlhfJob("sft", "sft"), "spec.rlhf.stages", "got sft → sft", false),
        ["dpo combined with ppo"] = (() => RlhfJob("sft", "reward", "ppo", "dpo"), "spec.rlhf.stages", "dpo replaces reward + ppo: a dpo stage cannot be combined with reward or ppo stages", false),
        ["ppo without a reward model"] = (() => RlhfJob("sft", "ppo"), "spec.rlhf.stages", "a ppo stage needs a reward stage before it or rlhf.rewardModelUri", false),
        ["reward stage on chat data"] = (() => RlhfJob("sft", "reward").Set("spec.rlhf.stages[1].dataset.format", "chat"), "spec.rlhf.stages[1].dataset.format", "stage reward needs dataset format preference, got chat", false),
        ["rlhf with a top-level dataset"] = (() => RlhfJob("sft").Set("spec.dataset", new JsonObject { ["uri"] = "d.jsonl" }), "spec.dataset", "must be absent when method is rlhf: each stage names its own dataset", false),
        ["unknown rlhf stage"] = (() => RlhfJob("sft").Set("spec.rlhf.stages[0].name", "rm"), "spec.rlhf.stages[0].name", "must be one of sft, reward, ppo, dpo; got \"rm\"", true),
        ["no rlhf stages"] = (() => RlhfJob(), "spec.rlhf.stages", "must have at least 1 item, got 0", true),
        ["ppo options on an sft stage"] = (() => RlhfJob("sft").Set("spec.rlhf.stages[0].ppo", new JsonObject()), "spec.rlhf.stages[0].ppo", "only a ppo stage takes ppo options", false),
        ["merged prefix"] = (() => ValidLoraJob().Set("spec.method", "prefix").Without("spec.lora").Set("spec.prefix", new JsonObject()).Set("spec.output.save", "merged"), "spec.output.save", "method prefix cannot be merged into the base weights: save must be adapter or left out, got merged", false),
        ["adapter-only full fine-tuning"] = (() => ValidLoraJob().Set("spec.method", "full").Without("spec.lora").Set("spec.output.save", "adapter"), "spec.output.save", "method full writes a whole model: save must be merged or left out, got adapter", false),
        ["toleration Exists with a value"] = (() => ValidLoraJob().Set("spec.resources.tolerations", new JsonArray(new JsonObject { ["key"] = "gpu", ["operator"] = "Exists", ["value"] = "yes" })), "spec.resources.tolerations[0].value", "must be empty when operator is Exists", false),
        ["cpu that is not a quantity"] = (() => ValidLoraJob().Set("spec.resources.cpu", "four"), "spec.resources.cpu", "must be a Kubernetes quantity such as 4, 500m or 32Gi; got \"four\"", true),
        ["gpu resource without a domain"] = (() => ValidLoraJob().Set("spec.resources.gpuResourceName", "gpu"), "spec.resources.gpuResourceName", "must be a domain-qualified resource name", true),
        ["cuda without gpus"] = (() => ValidLoraJob().Set("spec.resources.gpus", 0).Set("spec.resources.device", "cuda"), "spec.resources.device", "device cuda needs gpus of at least 1", false),
        ["priority and priority class"] = (() => ValidLoraJob().Set("spec.scheduling.priority", 10).Set("spec.scheduling.priorityClassName", "high"), "spec.scheduling.priorityClassName", "set priority or priorityClassName, not both", false),
        ["frozen with nothing to train"] = (() => ValidLoraJob().Set("spec.method", "frozen").Without("spec.lora").Set("spec.frozen", new JsonObject { ["trainableLayers"] = 0 }), "spec.frozen", "nothing would train", false),
        ["mlp size on a prompt variant"] = (() => ValidLoraJob().Set("spec.method", "prefix").Without("spec.lora").Set("spec.prefix", new JsonObject { ["variant"] = "prompt", ["projectionHiddenSize"] = 256 }), "spec.prefix.projectionHiddenSize", "applies to variant prefix only", false),
        ["chat template on instruction data"] = (() => ValidLoraJob().Set("spec.dataset.chatTemplate", "chatml"), "spec.dataset.chatTemplate", "applies to chat datasets only", false),
        ["node selector value not a string"] = (() => ValidLoraJob().Set("spec.resources.nodeSelector", new JsonObject { ["gpu"] = 1 }), "spec.resources.nodeSelector.gpu", "must be a string, got number 1", true),
        ["wrong api version"] = (() => ValidLoraJob().Set("apiVersion", "finetune.dev/v1"), "apiVersion", "must be finetune.dev/v1alpha1, got \"finetune.dev/v1\"", false),
        ["wrong kind"] = (() => ValidLoraJob().Set("kind", "TrainingJob"), "kind", "must be FineTuneJob, got \"TrainingJob\"", false),
        ["no name"] = (() => ValidLoraJob().Without("metadata.name"), "metadata.name", "required field is missing", false),
        ["upft without its block"] = (() => ValidLoraJob().Set("spec.method", "upft").Without("spec.lora"), "spec.upft", "required when method is upft", false),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Bad_manifest_is_rejected_with_its_path_and_what_is_accepted(string name)
    {
        var (manifest, path, message, _) = Cases[name];

        var errors = FineTuneJobValidator.Validate(manifest());

        Assert.Contains(errors, e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Structural_cases_are_rejected_by_an_independent_schema_validator_too(string name)
    {
        var (manifest, _, _, structural) = Cases[name];
        var errors = KubernetesSchemaOracle.Errors(manifest());

        // Rules written in CEL are invisible to a plain JSON Schema validator; the rest must agree with ours.
        if (structural)
        {
            Assert.NotEmpty(errors);
        }
    }

    [Fact]
    public void The_table_holds_at_least_thirty_cases()
    {
        Assert.True(Cases.Count >= 30, $"only {Cases.Count} bad manifests");
    }

    [Fact]
    public void The_starting_manifest_is_valid_for_both_validators()
    {
        Assert.Empty(FineTuneJobValidator.Validate(ValidLoraJob()));
        Assert.Empty(KubernetesSchemaOracle.Errors(ValidLoraJob()));
        Assert.Empty(FineTuneJobValidator.Validate(RlhfJob("sft", "reward", "ppo")));
        Assert.Empty(FineTuneJobValidator.Validate(RlhfJob("sft", "dpo")));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var job = ValidLoraJob()
            .Set("spec.lora.rank", 0)
            .Set("spec.lora.dropout", 2)
            .Set("spec.hyperparameters.precision", "fp16")
            .Set("spec.adapter", new JsonObject())
            .Set("spec.hyperparameters.epochs", 1)
            .Set("spec.hyperparameters.maxSteps", 5);

        var paths = FineTuneJobValidator.Validate(job).Select(e => e.Path).ToHashSet();

        Assert.Equal(
            new HashSet<string> { "spec.lora.rank", "spec.lora.dropout", "spec.hyperparameters.precision", "spec.adapter", "spec.hyperparameters.maxSteps" },
            paths);
    }

    [Fact]
    public void Validation_does_not_change_the_manifest()
    {
        var job = ValidLoraJob();
        var before = job.ToJsonString();

        FineTuneJobValidator.Validate(job);

        Assert.Equal(before, job.ToJsonString());
    }
}
