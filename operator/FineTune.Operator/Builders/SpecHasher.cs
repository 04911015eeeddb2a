using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FineTune.Api.V1Alpha1;
using k8s;

namespace FineTune.Operator.Builders;

/// <summary>
/// A hash of the training-relevant part of a spec. A change of it after a finished run starts a new run (GitOps
/// retraining); re-applying the same manifest, or changing only how the job runs (resources, image, scheduling,
/// runPolicy), keeps the run.
/// </summary>
public static class SpecHasher
{
    /// <summary>Spec fields that change how a run is executed, not what it trains.</summary>
    private static readonly string[] OperationalFields = ["resources", "image", "scheduling", "runPolicy"];

    /// <summary>16 hex characters of SHA-256 over the canonical JSON of the training-relevant fields.</summary>
    public static string Hash(FineTuneJobSpec spec)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(spec))!.AsObject();
        foreach (var field in OperationalFields)
            node.Remove(field);
        var canonical = Canonicalize(node)!.ToJsonString();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }

    // Sorted keys and no nulls, so property order and explicit nulls never change the hash.
    private static JsonNode? Canonicalize(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .Where(p => p.Value is not null)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Canonicalize(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Canonicalize).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
