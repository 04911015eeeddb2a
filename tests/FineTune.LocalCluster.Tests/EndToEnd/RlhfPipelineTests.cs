using System.Globalization;
using FineTune.Api.V1Alpha1;
using FineTune.LocalCluster.Tests.Support;

namespace FineTune.LocalCluster.Tests.EndToEnd;

/// <summary>
/// The rlhf method through every real part: the operator runs sft → reward → ppo as three training Jobs, each started
/// only after the one before succeeded and handed the earlier stages' outputs, each a real trainer process reading
/// from and writing to s3rver, with the stage-specific series in Prometheus.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RlhfPipelineTests(EndToEndCluster e2e)
{
    private static readonly string[] StageOrder = ["sft", "reward", "ppo"];

    [Fact]
    public async Task Rlhf_stages_run_in_order_each_with_its_outputs_and_the_ppo_series_scraped()
    {
        const string name = "rlhf-pipeline";
        await e2e.ApplyAsync(Manifest(e2e.Storage, name));

        var job = await e2e.WaitForSuccessAsync(name);

        var stages = job.Status!.Stages!;
        Assert.Equal(StageOrder, stages.Select(s => s.Name));
        Assert.All(stages, s => Assert.Equal(StagePhase.Succeeded, s.Phase));
        for (var i = 1; i < stages.Count; i++)
            Assert.True(stages[i].StartTime >= stages[i - 1].CompletionTime,
                $"stage {stages[i].Name} started {stages[i].StartTime:O}, before {stages[i - 1].Name} completed {stages[i - 1].CompletionTime:O}");
        Assert.Equal(3, e2e.TrainingJobsOf(name).Count);
        foreach (var stage in stages)
        {
            var files = e2e.FilesUnder(Assert.IsType<string>(stage.Output));
            Assert.True(files.Contains("metrics.json") && files.Any(f => f.StartsWith("merged/", StringComparison.Ordinal)),
                $"stage {stage.Name} output {stage.Output} holds: {string.Join(", ", files)}");
        }
        // The reward model carries its score head, and the ppo stage's policy adapter is where status.outputs points.
        Assert.Contains("merged/config.json", e2e.FilesUnder(stages[1].Output!));
        Assert.EndsWith("/ppo/adapter/", job.Status.Outputs!.Adapter, StringComparison.Ordinal);

        var labels = $"namespace=\"{EndToEndCluster.Ns}\",job=\"{name}\",method=\"rlhf\",stage=\"ppo\"";
        var reward = await e2e.Prometheus.QueryUntilPresentAsync($"last_over_time(finetune_trainer_reward_mean{{{labels}}}[10m])", TimeSpan.FromSeconds(60));
        Assert.True(reward.Count == 1, $"no finetune_trainer_reward_mean{{{labels}}} in Prometheus; its log:\n{e2e.Prometheus.Output}");
    }

    private static string Manifest(JobStorage storage, string name) => string.Format(CultureInfo.InvariantCulture, """
        apiVersion: finetune.dev/v1alpha1
        kind: FineTuneJob
        metadata:
          name: {0}
        spec:
          method: rlhf
          model:
            uri: {1}
          output:
            uri: {3}{0}/
          rlhf:
            iterations: 1
            policyMethod: lora
            stages:
              - name: sft
                dataset: {{uri: {2}train.jsonl, validationUri: {2}val.jsonl, format: instruction}}
                hyperparameters: {{learningRate: 1.0e-3, maxSteps: 4}}
              - name: reward
                dataset: {{uri: {2}prefs.jsonl, validationUri: {2}prefs-val.jsonl, format: preference}}
                hyperparameters: {{learningRate: 1.0e-3, maxSteps: 4}}
              - name: ppo
                dataset: {{uri: {2}prompts.jsonl, format: prompt}}
                hyperparameters: {{learningRate: 1.0e-3, maxSteps: 1}}
                ppo: {{klCoef: 0.05, clipRange: 0.2, valueCoef: 0.1, gamma: 1.0, lambda: 0.95, ppoEpochs: 1, rolloutBatchSize: 2, maxNewTokens: 4}}
          lora: {{rank: 4, alpha: 8, targetModules: [c_attn]}}
          hyperparameters:
            batchSize: 2
            sequenceLength: 160
          runPolicy:
            backoffLimit: 0
          resources:
            gpus: 0
            cpu: "2"
        {4}
        """, name, storage.ModelUri, storage.DataPrefix, storage.OutputPrefix,
        string.Join('\n', storage.StorageBlock.Split('\n').Select(l => l.Length == 0 ? l : "  " + l)));
}
