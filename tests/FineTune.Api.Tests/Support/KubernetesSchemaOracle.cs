using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Api.Schema;
using Json.Schema;
using k8s;

namespace FineTune.Api.Tests.Support;

/// <summary>
/// Checks manifests against the generated CRD with JsonSchema.Net, an implementation independent of ours. The CRD's
/// OpenAPI dialect is mapped to JSON Schema 2020-12 first: boolean exclusive bounds become numeric, and objects with
/// declared properties reject unknown fields (what the API server does with fieldValidation=Strict).
/// </summary>
public static class KubernetesSchemaOracle
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(FineTuneJobCrd.Schema))!;
        ToJsonSchema(json);
        return JsonSchema.FromText(json.ToJsonString(), new BuildOptions { Dialect = Dialect.Draft202012 });
    });

    /// <summary>The instance locations and messages of every schema error; empty when accepted.</summary>
    public static IReadOnlyList<string> Errors(JsonNode manifest)
    {
        using var document = JsonDocument.Parse(manifest.ToJsonString());
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return [];
        }

        return (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} [{e.Key}] {e.Value}"))
            .ToList();
    }

    private static void ToJsonSchema(JsonNode node)
    {
        if (node is not JsonObject obj)
        {
            return;
        }

        foreach (var (bound, flag) in new[] { ("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum") })
        {
            if (obj[flag] is JsonValue v && v.GetValue<bool>())
            {
                obj[flag] = obj[bound]!.DeepClone();
                obj.Remove(bound);
            }
        }

        if (obj["properties"] is JsonObject properties)
        {
            if (obj["additionalProperties"] is null && obj["x-kubernetes-preserve-unknown-fields"] is null)
            {
                obj["additionalProperties"] = false;
            }

            foreach (var (_, child) in properties.ToList())
            {
                ToJsonSchema(child!);
            }
        }

        if (obj["items"] is { } items)
        {
            ToJsonSchema(items);
        }

        if (obj["additionalProperties"] is JsonObject values)
        {
            ToJsonSchema(values);
        }
    }
}
