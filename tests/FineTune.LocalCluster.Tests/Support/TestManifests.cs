using System.Globalization;

namespace FineTune.LocalCluster.Tests.Support;

/// <summary>
/// FineTuneJob manifests for the end-to-end tests: the shared tiny model and data from <see cref="JobStorage"/>, outputs
/// under its output prefix and the job's name, CPU only, and a few seconds of training.
/// </summary>
public static class TestManifests
{
    /// <summary>
    /// A job named <paramref name="name"/> training <paramref name="method"/> with its option block
    /// <paramref name="methodBlock"/> (YAML under spec, e.g. <c>lora: {rank: 4}</c>; empty for none).
    /// <paramref name="dataset"/> replaces the training file's URI.
    /// </summary>
    public static string Job(JobStorage storage, string name, string method, string methodBlock = "", string save = "adapter", int maxSteps = 8,
        int checkpointEverySteps = 100, int backoffLimit = 0, string? dataset = null) => string.Format(CultureInfo.InvariantCulture, """
        apiVersion: finetune.dev/v1alpha1
        kind: FineTuneJob
        metadata:
          name: {0}
        spec:
          method: {1}
          model:
            uri: {8}
          dataset:
            uri: {7}
            validationUri: {9}val.jsonl
            format: instruction
          output:
            uri: {10}{0}/
            save: {2}
          hyperparameters:
            learningRate: 1.0e-3
            maxSteps: {3}
            batchSize: 2
            sequenceLength: 160
            evalEverySteps: {3}
            checkpointEverySteps: {4}
          runPolicy:
            backoffLimit: {5}
          resources:
            gpus: 0
            cpu: "2"
        {6}
        {11}
        """, name, method, save, maxSteps, checkpointEverySteps, backoffLimit, Indent(methodBlock),
        dataset ?? storage.DataPrefix + "train.jsonl", storage.ModelUri, storage.DataPrefix, storage.OutputPrefix, Indent(storage.StorageBlock));

    private static string Indent(string block) => string.Join('\n', block.Split('\n').Select(l => l.Length == 0 ? l : "  " + l));
}
