using System.Globalization;

namespace FineTune.LocalCluster.Tests.Support;

/// <summary>
/// FineTuneJob manifests for the end-to-end tests: the shared tiny model and data (relative paths, resolved against the
/// cluster's working directory), outputs under <c>runs/&lt;name&gt;</c>, CPU only, and a few seconds of training.
/// </summary>
public static class TestManifests
{
    /// <summary>
    /// A job named <paramref name="name"/> training <paramref name="method"/> with its option block
    /// <paramref name="methodBlock"/> (YAML under spec, e.g. <c>lora: {rank: 4}</c>; empty for none).
    /// </summary>
    public static string Job(string name, string method, string methodBlock = "", string save = "adapter", int maxSteps = 8,
        int checkpointEverySteps = 100, int backoffLimit = 0, string dataset = "data/train.jsonl") => string.Format(CultureInfo.InvariantCulture, """
        apiVersion: finetune.dev/v1alpha1
        kind: FineTuneJob
        metadata:
          name: {0}
        spec:
          method: {1}
          model:
            uri: model
          dataset:
            uri: {7}
            validationUri: data/val.jsonl
            format: instruction
          output:
            uri: runs/{0}
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
        """, name, method, save, maxSteps, checkpointEverySteps, backoffLimit, Indent(methodBlock), dataset);

    private static string Indent(string block) => string.Join('\n', block.Split('\n').Select(l => l.Length == 0 ? l : "  " + l));
}
