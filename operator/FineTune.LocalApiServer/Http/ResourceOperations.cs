using System.Text.Json.Nodes;
using FineTune.LocalApiServer.Errors;
using FineTune.LocalApiServer.Patching;
using FineTune.LocalApiServer.Resources;
using FineTune.LocalApiServer.Storage;
using FineTune.LocalApiServer.Validation;

namespace FineTune.LocalApiServer.Http;

/// <summary>
/// What a write through the API means for each resource, on top of the store: the status subresource split (main
/// writes keep status, status writes change only status), status reset on create, custom-resource defaulting and
/// validation, patch formats, and CRDs that start serving their resource when created.
/// </summary>
public sealed class ResourceOperations(ObjectStore store, ResourceRegistry registry, LocalApiServerOptions options)
{
    /// <summary>POST: creates <paramref name="body"/> in <paramref name="ns"/>.</summary>
    public StoredObject Create(ResourceType type, string? ns, JsonObject body)
    {
        CheckKind(type, body);
        var bodyNs = ObjectMetadata.Namespace(body);
        if (type.Namespaced && bodyNs.Length > 0 && ns is not null && bodyNs != ns)
            throw ApiException.BadRequest($"the namespace of the provided object ({bodyNs}) does not match the namespace sent on the request ({ns})");
        if (type.HasStatusSubresource) body.Remove("status");
        if (type == BuiltInResources.Pods || type.StorageKey == BuiltInResources.Pods.StorageKey) body["status"] = new JsonObject { ["phase"] = "Pending" };
        if (options.ValidateCustomResources) CustomResourceAdmission.Admit(type, body, null);
        var created = store.Create(type, ns, body);
        if (type.StorageKey == BuiltInResources.CustomResourceDefinitions.StorageKey) ServeCrd(created);
        return created;
    }

    /// <summary>PUT: replaces the object (or only its status when <paramref name="subresource"/> is status).</summary>
    public StoredObject Update(ResourceType type, string? ns, string name, string? subresource, JsonObject body)
    {
        CheckKind(type, body);
        var updated = store.Update(type, ns, name, (current, copy) => Merge(type, subresource, current, copy, body));
        if (type.StorageKey == BuiltInResources.CustomResourceDefinitions.StorageKey) ServeCrd(updated);
        return updated;
    }

    /// <summary>PATCH: applies a patch of <paramref name="kind"/> to the current object, then writes it like an update.</summary>
    public StoredObject Patch(ResourceType type, string? ns, string name, string? subresource, PatchKind kind, JsonNode? patch)
    {
        var updated = store.Update(type, ns, name, (current, copy) =>
        {
            var patched = kind == PatchKind.Json
                ? JsonPatch.Apply(copy, patch) as JsonObject
                : JsonMergePatch.Apply(copy, patch) as JsonObject;
            if (patched is null) throw ApiException.BadRequest("the patch must leave a JSON object");
            return Merge(type, subresource, current, current.CloneObject(), patched);
        });
        if (type.StorageKey == BuiltInResources.CustomResourceDefinitions.StorageKey) ServeCrd(updated);
        return updated;
    }

    /// <summary>The object to store for a write of <paramref name="body"/> over <paramref name="current"/>.</summary>
    private JsonObject Merge(ResourceType type, string? subresource, StoredObject current, JsonObject currentCopy, JsonObject body)
    {
        JsonObject desired;
        if (subresource == "status")
        {
            desired = currentCopy;
            desired["status"] = body["status"]?.DeepClone();
            if (desired["status"] is null) desired.Remove("status");
            ObjectMetadata.Of(desired)["resourceVersion"] = ObjectMetadata.ResourceVersion(body);
        }
        else
        {
            desired = body;
            if (type.HasStatusSubresource)
            {
                if (current.Object["status"] is { } status) desired["status"] = status.DeepClone();
                else desired.Remove("status");
            }
        }
        if (options.ValidateCustomResources && !SameContent(desired, current.Object))
            CustomResourceAdmission.Admit(type, desired, current.CloneObject());
        return desired;
    }

    /// <summary>True when a write would store nothing new (metadata.resourceVersion aside): no need to validate it again.</summary>
    private static bool SameContent(JsonObject desired, JsonObject current)
    {
        var a = (JsonObject)desired.DeepClone();
        var b = (JsonObject)current.DeepClone();
        ObjectMetadata.Of(a).Remove("resourceVersion");
        ObjectMetadata.Of(b).Remove("resourceVersion");
        return JsonNode.DeepEquals(a, b);
    }

    private static void CheckKind(ResourceType type, JsonObject body)
    {
        var kind = body["kind"]?.GetValue<string>();
        if (kind is not null && kind != type.Kind)
            throw ApiException.BadRequest($"the kind of the object ({kind}) does not match the resource {type.Plural} (kind {type.Kind})");
    }

    private void ServeCrd(StoredObject stored)
    {
        var crd = k8s.KubernetesJson.Deserialize<k8s.Models.V1CustomResourceDefinition>(System.Text.Encoding.UTF8.GetString(stored.Json));
        registry.AddCustomResourceDefinition(crd);
    }
}
