using FineTune.Api.V1Alpha1;
using k8s.Models;

namespace FineTune.Operator.Tests.Support;

/// <summary>FineTuneJobs for tests: a valid single-stage LoRA job and a valid rlhf pipeline.</summary>
public static class TestJobs
{
    public static FineTuneJob Lora(string name = "support-bot", string ns = "ml") => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Uid = "0b9f3c1e-5a34-4c1b-9a61-2f0e3f1d7a10",
            Generation = 1,
            ResourceVersion = "10",
            CreationTimestamp = new DateTime(2026, 11, 28, 10, 0, 0, DateTimeKind.Utc),
        },
        Spec = new FineTuneJobSpec
        {
            Method = FineTuneMethod.Lora,
            Model = new ModelSpec { Uri = "s3://models/gpt2-small/" },
            Dataset = new DatasetSpec { Uri = "s3://datasets/support/train.jsonl", Format = DatasetFormat.Instruction },
            Output = new OutputSpec { Uri = "s3://runs/support-bot/" },
            Storage = new StorageSpec { Endpoint = "http://minio.minio.svc:9000", CredentialsSecret = "minio-credentials" },
            Lora = new LoraOptions(),
            Resources = new ResourcesSpec { Gpus = 1, Cpu = "4", Memory = "32Gi" },
        },
    };

    public static FineTuneJob Rlhf(string name = "chat-align", int iterations = 1, bool dpo = false)
    {
        var job = Lora(name);
        job.Spec.Method = FineTuneMethod.Rlhf;
        job.Spec.Dataset = null;
        job.Spec.Rlhf = new RlhfOptions
        {
            Iterations = iterations,
            PolicyMethod = PolicyMethod.Lora,
            Stages = dpo
                ?
                [
                    new RlhfStage { Name = RlhfStageName.Sft, Dataset = new DatasetSpec { Uri = "s3://datasets/chat/sft.jsonl", Format = DatasetFormat.Chat } },
                    new RlhfStage { Name = RlhfStageName.Dpo, Dataset = new DatasetSpec { Uri = "s3://datasets/chat/prefs.jsonl", Format = DatasetFormat.Preference } },
                ]
                :
                [
                    new RlhfStage { Name = RlhfStageName.Sft, Dataset = new DatasetSpec { Uri = "s3://datasets/chat/sft.jsonl", Format = DatasetFormat.Chat } },
                    new RlhfStage { Name = RlhfStageName.Reward, Dataset = new DatasetSpec { Uri = "s3://datasets/chat/prefs.jsonl", Format = DatasetFormat.Preference } },
                    new RlhfStage { Name = RlhfStageName.Ppo, Dataset = new DatasetSpec { Uri = "s3://datasets/chat/prompts.jsonl", Format = DatasetFormat.Prompt } },
                ],
        };
        return job;
    }
}
