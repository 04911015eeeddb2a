using System.Text.Json.Nodes;
using FineTune.Api.Validation;

namespace FineTune.Api.Tests.Validation;

public sealed class SchemaDefaulterTests
{
    private static JsonObject Job(string spec) => JsonNode.Parse(
        $$"""{"apiVersion":"finetune.dev/v1alpha1","kind":"FineTuneJob","metadata":{"name":"a"},"spec":{{spec}}}""")!.AsObject();

    [Fact]
    public void Absent_blocks_and_fields_get_their_defaults_inside_defaulted_objects()
    {
        var job = FineTuneJobValidator.WithDefaults(Job("""{"method":"lora","model":{"uri":"m"},"dataset":{"uri":"d"},"output":{"uri":"o"},"lora":{}}"""));

        Assert.Equal(8, (int)job["spec"]!["lora"]!["rank"]!);
        Assert.Equal(0.05, (double)job["spec"]!["lora"]!["dropout"]!);
        Assert.Equal("cosine", (string)job["spec"]!["hyperparameters"]!["scheduler"]!);
        Assert.Equal(3, (int)job["spec"]!["runPolicy"]!["backoffLimit"]!);
        Assert.Equal("nvidia.com/gpu", (string)job["spec"]!["resources"]!["gpuResourceName"]!);
    }

    [Fact]
    public void Values_the_user_set_are_kept_and_optional_fields_stay_absent()
    {
        var job = FineTuneJobValidator.WithDefaults(Job("""{"method":"lora","model":{"uri":"m"},"dataset":{"uri":"d"},"output":{"uri":"o"},"lora":{"rank":64}}"""));

        Assert.Equal(64, (int)job["spec"]!["lora"]!["rank"]!);
        Assert.Null(job["spec"]!["hyperparameters"]!["epochs"]);
        Assert.Null(job["spec"]!["lora"]!["targetModules"]);
        Assert.Null(job["spec"]!["adapter"]);
    }

    [Fact]
    public void Defaults_reach_into_list_items()
    {
        var job = FineTuneJobValidator.WithDefaults(Job(
            """{"method":"rlhf","model":{"uri":"m"},"output":{"uri":"o"},"rlhf":{"stages":[{"name":"sft","dataset":{"uri":"d"}}]}}"""));

        Assert.Equal("text", (string)job["spec"]!["rlhf"]!["stages"]![0]!["dataset"]!["format"]!);
        Assert.Equal("lora", (string)job["spec"]!["rlhf"]!["policyMethod"]!);
    }
}
