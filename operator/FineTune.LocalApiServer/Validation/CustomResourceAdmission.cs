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
    /// <paramref name="oldObj"/> for transition rules on updates). Problems are 422 Invalid with one cause per field.
    /// Resources without a schema are accepted as they are.
    /// </summary>
    public static void Admit(ResourceType type, JsonObject obj, JsonObject? oldObj)
    {
        if (type.Schema is null) return;
        CustomResourceValidation.ApplyDefaults(type.Schema, obj);
        var errors = CustomResourceValidation.Validate(type.Schema, obj, oldObj);
        if (errors.Count == 0) return;
        var name = (obj["metadata"] as JsonObject)?["name"]?.GetValue<string>() ?? "";
        throw ApiException.Invalid(type.Group, type.Kind, name,
            errors.Select(e => new StatusCause("FieldValueInvalid", e.Path, e.Message)).ToList());
    }
}
