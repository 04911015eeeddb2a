using System.Text.RegularExpressions;

namespace FineTune.Chart.Tests.Support;

/// <summary>
/// The API access the operator's source actually uses, read from its KubernetesClient calls
/// (<c>client.BatchV1.CreateNamespacedJobAsync</c> → batch/jobs:create, a list with <c>watch: true</c> → list and
/// watch, <c>CustomObjects</c> → finetunejobs, <c>LeaseLock</c> → leases get/create/update).
/// </summary>
public static partial class OperatorApiCalls
{
    private static readonly Dictionary<string, string> Groups = new()
    {
        ["CoreV1"] = "", ["BatchV1"] = "batch", ["RbacAuthorizationV1"] = "rbac.authorization.k8s.io",
        ["CoordinationV1"] = "coordination.k8s.io", ["EventsV1"] = "events.k8s.io",
    };

    private static readonly Dictionary<string, string> Verbs = new()
    {
        ["Create"] = "create", ["Delete"] = "delete", ["List"] = "list", ["Patch"] = "patch", ["Read"] = "get",
        ["Replace"] = "update", ["Get"] = "get", ["Watch"] = "watch",
    };

    /// <summary>Every grant the operator's source (its Bench folder aside) needs.</summary>
    public static IReadOnlySet<ApiGrant> Needed(string operatorFolder)
    {
        var grants = new HashSet<ApiGrant>();
        var files = Directory.EnumerateFiles(operatorFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Bench{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var watches = text.Contains("watch: true", StringComparison.Ordinal);
            foreach (Match call in TypedCall().Matches(text))
            {
                var verb = Verbs[call.Groups["verb"].Value];
                var resource = Plural(call.Groups["kind"].Value);
                grants.Add(new ApiGrant(Groups[call.Groups["api"].Value], resource, verb));
                if (verb == "list" && watches) grants.Add(new ApiGrant(Groups[call.Groups["api"].Value], resource, "watch"));
            }

            foreach (Match call in CustomObjectCall().Matches(text))
            {
                var verb = Verbs[call.Groups["verb"].Value];
                var resource = call.Groups["status"].Success ? "finetunejobs/status" : "finetunejobs";
                grants.Add(new ApiGrant("finetune.dev", resource, verb));
                if (verb == "list" && watches) grants.Add(new ApiGrant("finetune.dev", resource, "watch"));
            }

            if (text.Contains("new LeaseLock(", StringComparison.Ordinal))
            {
                foreach (var verb in new[] { "get", "create", "update" }) grants.Add(new ApiGrant("coordination.k8s.io", "leases", verb));
            }
        }

        return grants;
    }

    private static string Plural(string kind) => kind.ToLowerInvariant() switch
    {
        var k when k.EndsWith('s') => k + "es",
        var k => k + "s",
    };

    [GeneratedRegex(@"\.(?<api>CoreV1|BatchV1|RbacAuthorizationV1|CoordinationV1|EventsV1)\.(?<verb>Create|Delete|List|Patch|Read|Replace)(?:Namespaced)?(?<kind>[A-Z][A-Za-z]*?)(?:ForAllNamespaces)?(?:Status)?(?:WithHttpMessages)?Async")]
    private static partial Regex TypedCall();

    [GeneratedRegex(@"\.CustomObjects\.(?<verb>Create|Delete|List|Patch|Get|Replace)(?:Namespaced|Cluster)CustomObject(?<status>Status)?(?:WithHttpMessages)?Async")]
    private static partial Regex CustomObjectCall();
}
