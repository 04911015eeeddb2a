using FineTune.Api.Schema;
using FineTune.Api.Tests.Support;
using FineTune.Api.Validation;
using k8s;
using k8s.Models;

namespace FineTune.Api.Tests.Schema;

public sealed class FineTuneJobCrdTests
{
    private static readonly V1CustomResourceDefinition Crd =
        KubernetesYaml.Deserialize<V1CustomResourceDefinition>(File.ReadAllText(RepositoryFiles.PathOf("crds", FineTuneJobCrd.FileName)));

    private static StructuralSchema Spec => StructuralSchema.From(Crd.Spec.Versions[0].Schema.OpenAPIV3Schema).Property("spec")!;

    [Fact]
    public void Crd_names_the_resource_as_the_api_contract_says()
    {
        Assert.Equal("finetunejobs.finetune.dev", Crd.Metadata.Name);
        Assert.Equal("finetune.dev", Crd.Spec.Group);
        Assert.Equal("Namespaced", Crd.Spec.Scope);
        Assert.Equal("FineTuneJob", Crd.Spec.Names.Kind);
        Assert.Equal("finetunejobs", Crd.Spec.Names.Plural);
        Assert.Equal(["ftj"], Crd.Spec.Names.ShortNames);
        Assert.Equal(["ml"], Crd.Spec.Names.Categories);
        var version = Assert.Single(Crd.Spec.Versions);
        Assert.Equal("v1alpha1", version.Name);
        Assert.True(version.Served && version.Storage);
        Assert.NotNull(version.Subresources?.Status);
    }

    [Fact]
    public void Printer_columns_show_method_stage_phase_progress_loss_and_age()
    {
        var columns = Crd.Spec.Versions[0].AdditionalPrinterColumns.Select(c => (c.Name, c.JsonPath)).ToList();

        Assert.Equal(
            [("Method", ".spec.method"), ("Stage", ".status.currentStage"), ("Phase", ".status.phase"),
             ("Progress", ".status.progress.percent"), ("Loss", ".status.progress.loss"), ("Age", ".metadata.creationTimestamp")],
            columns);
    }

    [Fact]
    public void Every_cel_rule_and_message_expression_compiles()
    {
        var rules = AllRules(StructuralSchema.From(Crd.Spec.Versions[0].Schema.OpenAPIV3Schema)).ToList();

        Assert.True(rules.Count > 30, $"only {rules.Count} rules found");
        foreach (var rule in rules)
        {
            Assert.Null(CelRuleEvaluator.CompileError(rule.Rule));
            if (rule.MessageExpression is not null)
            {
                Assert.Null(CelRuleEvaluator.CompileError(rule.MessageExpression));
            }

            Assert.False(string.IsNullOrEmpty(rule.Message) && rule.MessageExpression is null, $"rule {rule.Rule} has no message");
        }
    }

    [Fact]
    public void Every_rule_field_path_names_a_declared_field()
    {
        foreach (var (schema, rule) in SchemasWithRules(StructuralSchema.From(Crd.Spec.Versions[0].Schema.OpenAPIV3Schema)))
        {
            var target = schema;
            foreach (var name in (rule.FieldPath ?? "").Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                target = target?.Property(name);
            }

            Assert.True(target is not null, $"fieldPath {rule.FieldPath} of rule {rule.Rule} names no field");
        }
    }

    [Fact]
    public void Schema_is_structural_every_field_has_a_type_and_objects_declare_their_fields()
    {
        foreach (var (path, schema) in Walk("spec", Spec))
        {
            Assert.True(schema.Type is not null || schema.IntOrString, $"{path} has no type");
            if (schema.Type == "object")
            {
                Assert.True(schema.Properties.Count > 0 || schema.AdditionalProperties is not null, $"{path} accepts unknown fields");
            }
        }
    }

    [Fact]
    public void Status_is_never_defaulted()
    {
        var status = StructuralSchema.From(Crd.Spec.Versions[0].Schema.OpenAPIV3Schema).Property("status")!;

        Assert.All(Walk("status", status), entry => Assert.Null(entry.Schema.Default));
    }

    [Fact]
    public void Defaults_come_from_the_property_initialisers_and_required_fields_have_none()
    {
        Assert.Equal(8, (int)Spec.Property("lora")!.Property("rank")!.Default!);
        Assert.Equal("cosine", (string)Spec.Property("hyperparameters")!.Property("scheduler")!.Default!);
        Assert.NotNull(Spec.Property("hyperparameters")!.Default);
        Assert.Null(Spec.Property("method")!.Default);
        Assert.Null(Spec.Property("hyperparameters")!.Property("epochs")!.Default);
        Assert.Contains("method", Spec.Required);
        Assert.Contains("model", Spec.Required);
        Assert.DoesNotContain("dataset", Spec.Required);
    }

    [Fact]
    public void Descriptions_come_from_the_xml_docs()
    {
        Assert.Equal("Rank r of the update.", Spec.Property("lora")!.Property("rank")!.Description);
        Assert.All(Walk("spec", Spec), entry =>
            Assert.False(string.IsNullOrWhiteSpace(entry.Schema.Description), $"{entry.Path} has no description"));
    }

    private static IEnumerable<(string Path, StructuralSchema Schema)> Walk(string path, StructuralSchema schema)
    {
        yield return (path, schema);
        foreach (var (name, child) in schema.Properties)
        {
            foreach (var entry in Walk($"{path}.{name}", child))
            {
                yield return entry;
            }
        }

        if (schema.Items is { Type: "object" } items)
        {
            foreach (var (name, child) in items.Properties)
            {
                foreach (var entry in Walk($"{path}.{name}", child))
                {
                    yield return entry;
                }
            }
        }
    }

    private static IEnumerable<CelRule> AllRules(StructuralSchema schema) => SchemasWithRules(schema).Select(e => e.Rule);

    private static IEnumerable<(StructuralSchema Schema, CelRule Rule)> SchemasWithRules(StructuralSchema schema)
    {
        foreach (var rule in schema.Rules)
        {
            yield return (schema, rule);
        }

        var children = schema.Properties.Select(p => p.Value)
            .Concat(schema.Items is null ? [] : [schema.Items])
            .Concat(schema.AdditionalProperties is null ? [] : [schema.AdditionalProperties]);
        foreach (var child in children)
        {
            foreach (var entry in SchemasWithRules(child))
            {
                yield return entry;
            }
        }
    }
}
