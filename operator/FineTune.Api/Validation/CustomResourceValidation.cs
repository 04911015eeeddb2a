using System.Text.Json.Nodes;
using k8s.Models;

namespace FineTune.Api.Validation;

/// <summary>
/// Validation and defaulting of a custom resource against a CRD's structural schema and its CEL rules, the way the
/// Kubernetes API server does it. Shared by the C# validator and the in-process API server.
/// </summary>
public static class CustomResourceValidation
{
    /// <summary>
    /// Every problem of <paramref name="obj"/> (a whole object: apiVersion, kind, metadata, spec, status) against
    /// <paramref name="schema"/> (the version's openAPIV3Schema), including CEL rules. <paramref name="oldObj"/> is the
    /// stored object on updates (for transition rules), otherwise null.
    /// </summary>
    public static IReadOnlyList<ValidationError> Validate(V1JSONSchemaProps schema, JsonNode obj, JsonNode? oldObj = null)
        => throw new NotImplementedException("lands with the validator");

    /// <summary>Fills in the schema's defaults in place, as the API server does before validation and storage.</summary>
    public static void ApplyDefaults(V1JSONSchemaProps schema, JsonNode obj)
        => throw new NotImplementedException("lands with the validator");
}
