using FineTune.LocalApiServer.Http;
using FineTune.LocalApiServer.Storage;
using k8s.Models;

namespace FineTune.LocalApiServer.Security;

/// <summary>
/// Kubernetes RBAC over the Roles, ClusterRoles, RoleBindings and ClusterRoleBindings in the store: a request is allowed
/// when a rule of a role bound to the service account (by ServiceAccount subject, its user name, or the groups
/// system:serviceaccounts and system:serviceaccounts:&lt;ns&gt;) matches its API group, resource (with subresource),
/// verb and, for single-object requests, resourceNames. RoleBindings grant only in their namespace; "*" matches all.
/// </summary>
public sealed class RbacAuthorizer(ObjectAccess objects)
{
    /// <summary>True when <paramref name="who"/> may do <paramref name="request"/>.</summary>
    public bool Allows(ServiceAccountIdentity who, ApiRequest request)
    {
        var rules = new List<V1PolicyRule>();
        foreach (var binding in objects.List<V1ClusterRoleBinding>())
        {
            if (Binds(binding.Subjects, who)) rules.AddRange(ClusterRoleRules(binding.RoleRef.Name));
        }

        if (request.Namespace is { } ns)
        {
            foreach (var binding in objects.List<V1RoleBinding>(ns))
            {
                if (!Binds(binding.Subjects, who)) continue;
                rules.AddRange(binding.RoleRef.Kind == "ClusterRole"
                    ? ClusterRoleRules(binding.RoleRef.Name)
                    : objects.Get<V1Role>(ns, binding.RoleRef.Name)?.Rules ?? []);
            }
        }

        return rules.Any(rule => Matches(rule, request));
    }

    private IEnumerable<V1PolicyRule> ClusterRoleRules(string name) => objects.Get<V1ClusterRole>(null, name)?.Rules ?? [];

    private static bool Binds(IEnumerable<Rbacv1Subject>? subjects, ServiceAccountIdentity who) =>
        subjects?.Any(s => s.Kind switch
        {
            "ServiceAccount" => s.Name == who.Name && s.NamespaceProperty == who.Namespace,
            "User" => s.Name == who.UserName,
            "Group" => s.Name == "system:serviceaccounts" || s.Name == $"system:serviceaccounts:{who.Namespace}" || s.Name == "system:authenticated",
            _ => false,
        }) == true;

    private static bool Matches(V1PolicyRule rule, ApiRequest request) =>
        AnyOrContains(rule.ApiGroups, request.Type.Group)
        && AnyOrContains(rule.Resources, request.ResourceLabel)
        && AnyOrContains(rule.Verbs, request.Verb)
        && (rule.ResourceNames is not { Count: > 0 } names || (request.Name is { } name && names.Contains(name)));

    private static bool AnyOrContains(IEnumerable<string>? allowed, string value) =>
        allowed?.Any(a => a == "*" || a == value) == true;
}
