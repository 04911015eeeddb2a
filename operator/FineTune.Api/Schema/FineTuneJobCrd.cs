using FineTune.Api.V1Alpha1;
using k8s;
using k8s.Models;

namespace FineTune.Api.Schema;

/// <summary>The FineTuneJob CustomResourceDefinition, generated from the C# types (the one source of truth).</summary>
public static class FineTuneJobCrd
{
    private static readonly Lazy<V1CustomResourceDefinition> Cached = new(Build);

    /// <summary>File name of the CRD under crds/.</summary>
    public const string FileName = FineTuneJobApi.CrdName + ".yaml";

    /// <summary>The generated definition (built once per process).</summary>
    public static V1CustomResourceDefinition Definition => Cached.Value;

    /// <summary>The openAPIV3Schema of the served version.</summary>
    public static V1JSONSchemaProps Schema => Definition.Spec.Versions[0].Schema.OpenAPIV3Schema;

    /// <summary>The definition as the YAML committed under crds/.</summary>
    public static string ToYaml() =>
        "# Generated from operator/FineTune.Api by `make manifests`. Do not edit: a test fails when this file drifts.\n"
        + KubernetesYaml.Serialize(Definition);

    private static V1CustomResourceDefinition Build()
    {
        var generator = new SchemaGenerator(XmlDocumentation.For(typeof(FineTuneJob).Assembly));
        var root = new V1JSONSchemaProps
        {
            Type = "object",
            Description = XmlDocumentation.For(typeof(FineTuneJob).Assembly).Of(typeof(FineTuneJob)),
            Properties = new Dictionary<string, V1JSONSchemaProps>
            {
                ["apiVersion"] = new() { Type = "string", Description = "Versioned schema of this object: finetune.dev/v1alpha1." },
                ["kind"] = new() { Type = "string", Description = "Kind of this object: FineTuneJob." },
                ["metadata"] = new() { Type = "object" },
                ["spec"] = generator.ForObject(typeof(FineTuneJobSpec), withDefaults: true),
                ["status"] = generator.ForObject(typeof(FineTuneJobStatus), withDefaults: false),
            },
            Required = ["spec"],
        };

        return new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = FineTuneJobApi.CrdName },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = FineTuneJobApi.Group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = FineTuneJobApi.Kind,
                    ListKind = FineTuneJobApi.Kind + "List",
                    Plural = FineTuneJobApi.Plural,
                    Singular = FineTuneJobApi.Singular,
                    ShortNames = [FineTuneJobApi.ShortName],
                    Categories = [FineTuneJobApi.Category],
                },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = FineTuneJobApi.Version,
                        Served = true,
                        Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = root },
                        Subresources = new V1CustomResourceSubresources { Status = new Dictionary<string, object>() },
                        AdditionalPrinterColumns = PrinterColumns(),
                    },
                ],
            },
        };
    }

    private static List<V1CustomResourceColumnDefinition> PrinterColumns() =>
    [
        new() { Name = "Method", Type = "string", JsonPath = ".spec.method", Description = "Fine-tuning method" },
        new() { Name = "Stage", Type = "string", JsonPath = ".status.currentStage", Description = "Stage running now, or the last one" },
        new() { Name = "Phase", Type = "string", JsonPath = ".status.phase", Description = "Lifecycle phase" },
        new() { Name = "Progress", Type = "integer", JsonPath = ".status.progress.percent", Description = "Percent of the stage's steps done" },
        new() { Name = "Loss", Type = "number", JsonPath = ".status.progress.loss", Description = "Latest training loss" },
        new() { Name = "Age", Type = "date", JsonPath = ".metadata.creationTimestamp" },
    ];
}
