namespace FineTune.Api.V1Alpha1;

/// <summary>Names under which the FineTuneJob resource is served.</summary>
public static class FineTuneJobApi
{
    /// <summary>API group.</summary>
    public const string Group = "finetune.dev";

    /// <summary>API version within the group.</summary>
    public const string Version = "v1alpha1";

    /// <summary>group/version as written in manifests.</summary>
    public const string ApiVersion = Group + "/" + Version;

    /// <summary>Kind.</summary>
    public const string Kind = "FineTuneJob";

    /// <summary>Plural resource name used in URLs.</summary>
    public const string Plural = "finetunejobs";

    /// <summary>Singular resource name.</summary>
    public const string Singular = "finetunejob";

    /// <summary>Short name for kubectl.</summary>
    public const string ShortName = "ftj";

    /// <summary>kubectl category (<c>kubectl get ml</c>).</summary>
    public const string Category = "ml";

    /// <summary>Name of the CustomResourceDefinition.</summary>
    public const string CrdName = Plural + "." + Group;
}
