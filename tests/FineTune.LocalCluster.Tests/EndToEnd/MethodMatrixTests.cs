using FineTune.Api.V1Alpha1;
using FineTune.LocalCluster.Tests.Support;

namespace FineTune.LocalCluster.Tests.EndToEnd;

/// <summary>
/// Every method the trainer supports, through every real part: the FineTuneJob applied to the local cluster, the real
/// operator creating its training Job, the real trainer process training the tiny model (read from s3rver) for a few
/// steps, its outputs in S3 where status.outputs points, its progress in status, and its series (and the operator's) in a real Prometheus.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class MethodMatrixTests(EndToEndCluster e2e)
{
    /// <summary>
    /// One row per method: job name, spec.method, the option block, and spec.output.save. A new method is one more line
    /// here.
    /// </summary>
    public static TheoryData<string, string, string, string> Methods => new()
    {
        { "m-full", "full", "", "merged" },
        { "m-frozen", "frozen", "frozen: {trainableLayers: 1}", "merged" },
        { "m-lora", "lora", "lora: {rank: 4, alpha: 8, targetModules: [c_attn, c_fc]}", "both" },
        { "m-adapter", "adapter", "adapter: {placement: houlsby, reductionFactor: 4}", "adapter" },
        { "m-prefix", "prefix", "prefix: {variant: prefix, virtualTokens: 4, projectionHiddenSize: 32}", "adapter" },
        { "m-ptuning-v2", "prefix", "prefix: {variant: ptuning-v2, virtualTokens: 4}", "adapter" },
        { "m-prompt", "prefix", "prefix: {variant: prompt, virtualTokens: 8}", "adapter" },
        { "m-qlora", "qlora", "qlora: {rank: 4, alpha: 8, targetModules: [c_attn, c_fc], blockSize: 64, computeDtype: fp32}", "both" },
        { "m-qat", "qat", "qat: {weightBits: 8, groupSize: 0, export: int8}", "merged" },
        // {data} is the storage's data prefix: upft reads its unlabeled prompts from there.
        { "m-upft", "upft", "upft: {promptsUri: \"{data}prompts.jsonl\", prefixTokens: 4, maxNewTokens: 12, policyMethod: lora}\nlora: {rank: 4, alpha: 8, targetModules: [c_attn]}", "adapter" },
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Method_reaches_Succeeded_with_its_outputs_where_status_points_and_its_metrics_scraped(
        string name, string method, string block, string save)
    {
        await e2e.ApplyAsync(TestManifests.Job(e2e.Storage, name, method, block.Replace("{data}", e2e.Storage.DataPrefix, StringComparison.Ordinal), save));

        var job = await e2e.WaitForSuccessAsync(name);

        var status = job.Status!;
        var pod = Assert.Single(e2e.PodsOf(name));
        Assert.Equal(0, pod.Status.ContainerStatuses.Single().State.Terminated.ExitCode);
        Assert.True(status.Progress is { TotalSteps: 8, Step: 8, Percent: 100 }, $"status.progress: {k8s.KubernetesJson.Serialize(status.Progress)}");
        if (save is "adapter" or "both")
        {
            var adapter = e2e.FilesUnder(Assert.IsType<string>(status.Outputs?.Adapter));
            Assert.True(adapter.Contains("adapter_config.json") && adapter.Contains("adapter_model.safetensors"),
                $"status.outputs.adapter {status.Outputs!.Adapter} holds: {string.Join(", ", adapter)}");
        }
        if (save is "merged" or "both")
        {
            var merged = e2e.FilesUnder(Assert.IsType<string>(status.Outputs?.Merged));
            Assert.True(merged.Contains("config.json") && merged.Any(f => f.EndsWith(".safetensors", StringComparison.Ordinal)),
                $"status.outputs.merged {status.Outputs!.Merged} holds: {string.Join(", ", merged)}");
        }
        if (e2e.Storage != JobStorage.Local)
            Assert.StartsWith("s3://runs/", status.Outputs!.Adapter ?? status.Outputs.Merged);

        // The trainer's series reached Prometheus with the job's labels; last_over_time still sees them after the
        // short-lived trainer is gone (its series are stale by now).
        var labels = $"namespace=\"{EndToEndCluster.Ns}\",job=\"{name}\",method=\"{method}\",stage=\"train\"";
        var loss = await e2e.Prometheus.QueryUntilPresentAsync($"last_over_time(finetune_trainer_loss{{{labels}}}[10m])", TimeSpan.FromSeconds(60));
        var tokens = await e2e.Prometheus.QueryUntilPresentAsync($"max_over_time(finetune_trainer_tokens_total{{{labels}}}[10m])", TimeSpan.FromSeconds(60));
        Assert.True(loss.Count == 1, $"no finetune_trainer_loss{{{labels}}} in Prometheus; its log:\n{e2e.Prometheus.Output}");
        Assert.True(loss[0].Value is > 0 and < 20, $"loss {loss[0].Value}");
        Assert.True(Assert.Single(tokens).Value > 0, "no tokens counted");
        // The operator's series too: its per-phase gauge counts this job as Succeeded.
        var succeeded = await e2e.Prometheus.QueryUntilPresentAsync(
            $"finetune_operator_jobs{{job=\"operator\",phase=\"{nameof(JobPhase.Succeeded)}\",method=\"{method}\"}} >= 1", TimeSpan.FromSeconds(60));
        Assert.True(succeeded.Count == 1, $"the operator's finetune_operator_jobs has no Succeeded {method} job in Prometheus");
    }
}
