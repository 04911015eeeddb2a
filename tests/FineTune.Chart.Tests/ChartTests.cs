using System.Text.RegularExpressions;
using FineTune.Chart.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace FineTune.Chart.Tests;

public sealed partial class ChartTests
{
    private static string ChartFile(params string[] parts) => Path.Combine([RepositoryFiles.Chart, .. parts]);

    private static string Templates() => string.Join("\n",
        Directory.EnumerateFiles(ChartFile("templates")).Order().Select(File.ReadAllText));

    private static YamlMappingNode LoadMapping(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    /// <summary>Dotted paths of every leaf of the values file (a map written as {} counts as a leaf).</summary>
    private static IEnumerable<string> Leaves(YamlMappingNode node, string prefix = "")
    {
        foreach (var (key, value) in node.Children)
        {
            var path = prefix + ((YamlScalarNode)key).Value;
            if (value is YamlMappingNode { Children.Count: > 0 } map && path != "operator.resources")
            {
                foreach (var leaf in Leaves(map, path + ".")) yield return leaf;
            }
            else
            {
                yield return path;
            }
        }
    }

    [Fact]
    public void Chart_crd_equals_the_generated_crd()
    {
        // Helm installs charts/finetune-operator/crds/ as it is; `make manifests` writes crds/. They must not drift.
        var generated = Directory.EnumerateFiles(RepositoryFiles.PathOf("crds"), "*.yaml").Select(Path.GetFileName).Order().ToList();
        var packaged = Directory.EnumerateFiles(ChartFile("crds"), "*.yaml").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(generated, packaged);
        foreach (var name in generated)
        {
            Assert.True(File.ReadAllBytes(RepositoryFiles.PathOf("crds", name!)).SequenceEqual(File.ReadAllBytes(ChartFile("crds", name!))),
                $"charts/finetune-operator/crds/{name} differs from crds/{name}: run `make chart-crds`");
        }
    }

    [Fact]
    public void Chart_metadata_is_a_helm_v2_application_chart()
    {
        var chart = LoadMapping(ChartFile("Chart.yaml"));
        Assert.Equal("v2", chart["apiVersion"].ToString());
        Assert.Equal("finetune-operator", chart["name"].ToString());
        Assert.Matches(@"^\d+\.\d+\.\d+$", chart["version"].ToString());
        Assert.Equal("application", chart["type"].ToString());
    }

    [Fact]
    public void Every_value_is_used_by_a_template_and_every_used_value_exists()
    {
        var values = Leaves(LoadMapping(ChartFile("values.yaml"))).ToHashSet();
        var templates = Templates();
        var referenced = ValuesReference().Matches(templates).Select(m => m.Groups[1].Value).ToHashSet();

        var unused = values.Where(v => !referenced.Any(r => r == v || v.StartsWith(r + ".", StringComparison.Ordinal))).ToList();
        Assert.True(unused.Count == 0, "values.yaml keys no template uses: " + string.Join(", ", unused));
        var missing = referenced.Where(r => !values.Any(v => v == r || v.StartsWith(r + ".", StringComparison.Ordinal))).ToList();
        Assert.True(missing.Count == 0, "templates use values that values.yaml does not define: " + string.Join(", ", missing));
    }

    [Fact]
    public void Operator_rules_grant_exactly_what_the_operator_calls()
    {
        var granted = GrantedRules();
        var needed = OperatorApiCalls.Needed(RepositoryFiles.PathOf("operator", "FineTune.Operator"));
        // Beyond its own calls the operator needs only what RBAC makes it hold: it grants each trainer get on
        // finetunejobs and get/patch on finetunejobs/status (no one can grant more than they have), and it sets
        // blockOwnerDeletion on the children it owns (needs update on finetunejobs/finalizers).
        var required = new HashSet<ApiGrant>(needed)
        {
            new("finetune.dev", "finetunejobs", "get"),
            new("finetune.dev", "finetunejobs/status", "get"),
            new("finetune.dev", "finetunejobs/status", "patch"),
            new("finetune.dev", "finetunejobs/finalizers", "update"),
        };
        var leaseGrants = required.Where(g => g.Resource == "leases").ToList();
        required.ExceptWith(leaseGrants);

        Assert.Contains(new ApiGrant("batch", "jobs", "create"), needed);
        Assert.Equal(required.Select(g => g.ToString()).Order(), granted.Select(g => g.ToString()).Order());

        // Leases: only in the release's namespace, in the leader-election Role.
        var election = File.ReadAllText(ChartFile("templates", "leader-election-rbac.yaml"));
        Assert.Equal(["create", "get", "update"], leaseGrants.Select(g => g.Verb).Order());
        Assert.Contains("""verbs: ["get", "create", "update"]""", election);
    }

    [Fact]
    public void Deployment_runs_two_leader_elected_replicas_restricted_with_health_probes()
    {
        var values = LoadMapping(ChartFile("values.yaml"));
        var deployment = File.ReadAllText(ChartFile("templates", "deployment.yaml"));
        var operatorValues = (YamlMappingNode)values["operator"];
        Assert.Equal("2", operatorValues["replicas"].ToString());
        Assert.Equal("true", ((YamlMappingNode)operatorValues["leaderElection"])["enabled"].ToString());

        foreach (var line in new[]
        {
            "runAsNonRoot: true", "allowPrivilegeEscalation: false", "readOnlyRootFilesystem: true", "privileged: false",
            """drop: ["ALL"]""", "type: RuntimeDefault", "path: /healthz", "path: /readyz",
            "name: Operator__LeaderElection__Enabled", "name: Operator__TrainerImage", "name: Operator__WatchNamespace",
        })
        {
            Assert.Contains(line, deployment);
        }

        // Every Operator__ setting the chart passes is a property of OperatorOptions (a typo would be silently ignored).
        var options = File.ReadAllText(RepositoryFiles.PathOf("operator", "FineTune.Operator", "Configuration", "OperatorOptions.cs"))
            + File.ReadAllText(RepositoryFiles.PathOf("operator", "FineTune.Operator", "Configuration", "LeaderElectionOptions.cs"));
        foreach (Match setting in OperatorSetting().Matches(deployment))
        {
            foreach (var property in setting.Groups[1].Value.Split("__").Skip(1).Where(p => p.Length > 0))
            {
                Assert.True(Regex.IsMatch(options, $@"public [^;{{]*\b{property} \{{"), $"{setting.Value}: OperatorOptions has no property {property}");
            }
        }
    }

    [Fact]
    public void Templates_have_balanced_actions_and_parse_once_actions_are_removed()
    {
        foreach (var file in Directory.EnumerateFiles(ChartFile("templates"), "*.yaml"))
        {
            var text = File.ReadAllText(file);
            Assert.Equal(Regex.Matches(text, Regex.Escape("{{")).Count, Regex.Matches(text, Regex.Escape("}}")).Count);
            var blocks = BlockOpen().Matches(text).Count;
            Assert.True(blocks == Regex.Matches(text, @"\{\{-?\s*end\s*-?\}\}").Count, $"{Path.GetFileName(file)}: if/with/range without end");

            // An else starts another document; other lines that are only template actions go; actions inside lines
            // become a placeholder scalar.
            var plain = string.Join("\n", text.Split('\n')
                .Select(l => Regex.IsMatch(l, @"^\s*\{\{-?\s*else\b.*\}\}\s*$") ? "---" : l)
                .Where(l => !Regex.IsMatch(l, @"^\s*\{\{.*\}\}\s*$"))
                .Select(l => Regex.Replace(l, @"\{\{.*?\}\}", "x")));
            var stream = new YamlStream();
            var error = Record.Exception(() => stream.Load(new StringReader(plain)));
            Assert.True(error is null, $"{Path.GetFileName(file)} is not YAML once template actions are removed: {error?.Message}");
        }
    }

    private static List<ApiGrant> GrantedRules()
    {
        var helpers = File.ReadAllText(ChartFile("templates", "_helpers.tpl"));
        var body = RulesBlock().Match(helpers);
        Assert.True(body.Success, "_helpers.tpl defines finetune-operator.rules");
        var stream = new YamlStream();
        stream.Load(new StringReader(body.Groups[1].Value));
        var grants = new List<ApiGrant>();
        foreach (YamlMappingNode rule in (YamlSequenceNode)stream.Documents.Single().RootNode)
        {
            foreach (var group in (YamlSequenceNode)rule["apiGroups"])
            foreach (var resource in (YamlSequenceNode)rule["resources"])
            foreach (var verb in (YamlSequenceNode)rule["verbs"])
                grants.Add(new ApiGrant(group.ToString(), resource.ToString(), verb.ToString()));
        }

        return grants;
    }

    [GeneratedRegex(@"\.Values\.([A-Za-z0-9_.]+)")]
    private static partial Regex ValuesReference();

    [GeneratedRegex(@"name: (Operator__[A-Za-z_]+)")]
    private static partial Regex OperatorSetting();

    [GeneratedRegex(@"\{\{-?\s*(if|with|range)\b")]
    private static partial Regex BlockOpen();

    [GeneratedRegex(@"define ""finetune-operator\.rules"" -\}\}\n(.*?)\{\{- end -\}\}", RegexOptions.Singleline)]
    private static partial Regex RulesBlock();
}
