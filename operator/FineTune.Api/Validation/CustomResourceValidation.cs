using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using k8s.Models;

namespace FineTune.Api.Validation;

/// <summary>
/// Validation and defaulting of a custom resource against a CRD's structural schema and its CEL rules, the way the
/// Kubernetes API server does it. Shared by the C# validator and the in-process API server.
/// </summary>
public static class CustomResourceValidation
{
    private static readonly ConditionalWeakTable<V1JSONSchemaProps, StructuralSchema> Normalised = new();

    /// <summary>
    /// Every problem of <paramref name="obj"/> (a whole object: apiVersion, kind, metadata, spec, status) against
    /// <paramref name="schema"/> (the version's openAPIV3Schema), including CEL rules. <paramref name="oldObj"/> is the
    /// stored object on updates (for transition rules), otherwise null.
    /// </summary>
    public static IReadOnlyList<ValidationError> Validate(V1JSONSchemaProps schema, JsonNode obj, JsonNode? oldObj = null) =>
        Validate(Normalise(schema), obj, oldObj);

    /// <summary>The same, against an already normalised schema.</summary>
    public static IReadOnlyList<ValidationError> Validate(StructuralSchema schema, JsonNode obj, JsonNode? oldObj = null)
    {
        var errors = new List<ValidationError>();
        StructuralValidator.Validate(schema, obj, "", errors);
        var structurallyValid = errors.Count == 0;
        CelRuleEvaluator.Evaluate(schema, obj, oldObj, "", errors, reportEvaluationErrors: structurallyValid);
        return errors;
    }

    /// <summary>Fills in the schema's defaults in place, as the API server does before validation and storage.</summary>
    public static void ApplyDefaults(V1JSONSchemaProps schema, JsonNode obj) => SchemaDefaulter.Apply(Normalise(schema), obj);

    /// <summary>The normalised view of a schema object, built once per instance.</summary>
    public static StructuralSchema Normalise(V1JSONSchemaProps schema) =>
        Normalised.GetValue(schema, StructuralSchema.From);
}
