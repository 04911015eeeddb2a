using System.Text.Json.Nodes;
using FineTune.Api.Schema;
using FineTune.Api.V1Alpha1;

namespace FineTune.Api.Validation;

/// <summary>
/// Validates FineTuneJob manifests with exactly the rules of the generated CRD (structural schema and CEL rules), so
/// the trainer's <c>validate</c>, the operator and the API server agree word for word. Reports every problem at once.
/// </summary>
public static class FineTuneJobValidator
{
    private static readonly Lazy<StructuralSchema> Schema = new(() => StructuralSchema.From(FineTuneJobCrd.Schema));

    /// <summary>Every problem of a manifest given as JSON. The node is not changed (defaults go into a copy).</summary>
    public static IReadOnlyList<ValidationError> Validate(JsonNode manifest)
    {
        var errors = new List<ValidationError>();
        if (manifest is not JsonObject obj)
        {
            errors.Add(new ValidationError("", "a FineTuneJob manifest must be a mapping with apiVersion, kind, metadata and spec"));
            return errors;
        }

        CheckIdentity(obj, errors);
        var defaulted = obj.DeepClone();
        SchemaDefaulter.Apply(Schema.Value, defaulted);
        errors.AddRange(CustomResourceValidation.Validate(Schema.Value, defaulted));
        return errors;
    }

    /// <summary>Every problem of a job built in code.</summary>
    public static IReadOnlyList<ValidationError> Validate(FineTuneJob job) => Validate(FineTuneJson.ToNode(job));

    /// <summary>The manifest with the schema's defaults filled in (what the API server would store).</summary>
    public static JsonObject WithDefaults(JsonObject manifest)
    {
        var copy = manifest.DeepClone().AsObject();
        SchemaDefaulter.Apply(Schema.Value, copy);
        return copy;
    }

    private static void CheckIdentity(JsonObject obj, List<ValidationError> errors)
    {
        var apiVersion = obj["apiVersion"];
        if (apiVersion is null)
        {
            errors.Add(new ValidationError("apiVersion", $"required field is missing; use {FineTuneJobApi.ApiVersion}"));
        }
        else if (apiVersion is not JsonValue || apiVersion.ToString() != FineTuneJobApi.ApiVersion)
        {
            errors.Add(new ValidationError("apiVersion", $"must be {FineTuneJobApi.ApiVersion}, got {ValueDescription.Of(apiVersion)}"));
        }

        var kind = obj["kind"];
        if (kind is null)
        {
            errors.Add(new ValidationError("kind", $"required field is missing; use {FineTuneJobApi.Kind}"));
        }
        else if (kind is not JsonValue || kind.ToString() != FineTuneJobApi.Kind)
        {
            errors.Add(new ValidationError("kind", $"must be {FineTuneJobApi.Kind}, got {ValueDescription.Of(kind)}"));
        }

        if (obj["metadata"] is JsonObject metadata && metadata["name"] is null && metadata["generateName"] is null)
        {
            errors.Add(new ValidationError("metadata.name", "required field is missing"));
        }
        else if (obj["metadata"] is null)
        {
            errors.Add(new ValidationError("metadata", "required field is missing; give at least metadata.name"));
        }
    }
}
