using System.Text.Json.Nodes;
using FineTune.Api.Validation;
using FineTune.LocalApiServer.Errors;
using FineTune.LocalApiServer.Resources;

namespace FineTune.LocalApiServer.Validation;

/// <summary>
/// Defaulting and validation of custom resources against their CRD's openAPIV3Schema (and its CEL rules), done by the
/// project's shared validator so the server rejects exactly what the real API server would with the generated CRD.
/// </summary>
public static class CustomResourceAdmission
{
    /// <summary>
    /// Applies the schema's defaults to <paramref name="obj"/> in place, then validates it (against
    /// <paramref name="oldObj"/> on updates, a copy it may default: transition rules, and ratcheting of unchanged values
    /// as Kubernetes does).
    /// Problems are 422 Invalid with one cause per field.
    /// Resources without a schema are accepted as they are.
    /// </summary>
    public static void Admit(ResourceType type, JsonObject obj, JsonObject? oldObj)
    {
        if (type.Schema is null) return;
        CustomResourceValidation.ApplyDefaults(type.Schema, obj);
        // Kubernetes defaults objects read from storage too, so a default added since the object was stored is no change.
        if (oldObj is not null) CustomResourceValidation.ApplyDefaults(type.Schema, oldObj);
        var schema = CustomResourceValidation.Normalise(type.Schema);
        var errors = new List<ValidationError>();
        StructuralValidator.Validate(schema, obj, "", errors);
        if (oldObj is not null) errors.RemoveAll(e => SchemaErrorRatchet.IsUnchanged(e.Path, obj, oldObj));
        // CEL rules ratchet by themselves (CelRuleEvaluator); evaluation errors only matter on a well-typed object.
        CelRuleEvaluator.Evaluate(schema, obj, oldObj, "", errors, reportEvaluationErrors: errors.Count == 0);
        if (errors.Count == 0) return;
        var name = (obj["metadata"] as JsonObject)?["name"]?.GetValue<string>() ?? "";
        throw ApiException.Invalid(type.Group, type.Kind, name,
            errors.Select(e => new StatusCause("FieldValueInvalid", e.Path, e.Message)).ToList());
    }
}
