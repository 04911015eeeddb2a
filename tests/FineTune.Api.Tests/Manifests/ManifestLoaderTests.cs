using FineTune.Api.Manifests;
using FineTune.Api.V1Alpha1;

namespace FineTune.Api.Tests.Manifests;

public sealed class ManifestLoaderTests
{
    private const string Valid = """
        apiVersion: finetune.dev/v1alpha1
        kind: FineTuneJob
        metadata:
          name: tiny
        spec:
          method: full
          model:
            uri: models/tiny
          dataset:
            uri: data/train.jsonl
          output:
            uri: runs/tiny
        """;

    [Fact]
    public void Valid_manifest_loads_with_defaults_filled_in()
    {
        var result = ManifestLoader.LoadText(Valid, "tiny.yaml");

        var job = Assert.Single(result.Jobs);
        Assert.Empty(result.Errors);
        Assert.Equal(FineTuneMethod.Full, job.Spec.Method);
        Assert.Equal(2e-4, job.Spec.Hyperparameters.LearningRate);
        Assert.Equal(DatasetFormat.Text, job.Spec.Dataset!.Format);
        Assert.Equal(3, job.Spec.RunPolicy.BackoffLimit);
    }

    [Fact]
    public void Unknown_field_is_reported_with_its_line_and_column()
    {
        var yaml = Valid.Replace("    uri: runs/tiny", "    uri: runs/tiny\n    sav: adapter");

        var error = Assert.Single(ManifestLoader.LoadText(yaml, "tiny.yaml").Errors);

        Assert.Equal("spec.output.sav", error.Path);
        Assert.Equal((13, 5), (error.Line, error.Column));
        Assert.StartsWith("tiny.yaml:13:5: spec.output.sav: unknown field; accepted fields here: uri, save", error.ToString());
    }

    [Fact]
    public void Wrong_type_is_reported_with_the_line_of_its_field()
    {
        var yaml = Valid + "\n  hyperparameters:\n    batchSize: eight";

        var error = Assert.Single(ManifestLoader.LoadText(yaml, "tiny.yaml").Errors);

        Assert.Equal("tiny.yaml:14:5: spec.hyperparameters.batchSize: must be an integer, got string \"eight\"", error.ToString());
    }

    [Fact]
    public void Quoted_numbers_are_strings_and_plain_ones_numbers()
    {
        var quoted = ManifestLoader.LoadText(Valid + "\n  hyperparameters:\n    batchSize: \"8\"", "q.yaml");
        var plain = ManifestLoader.LoadText(Valid + "\n  hyperparameters:\n    batchSize: 8", "p.yaml");

        Assert.Contains("must be an integer, got string \"8\"", Assert.Single(quoted.Errors).Message);
        Assert.Equal(8, Assert.Single(plain.Jobs).Spec.Hyperparameters.BatchSize);
    }

    [Fact]
    public void Yaml_syntax_error_names_the_line()
    {
        var error = Assert.Single(ManifestLoader.LoadText("spec:\n  method: [full\n", "broken.yaml").Errors);

        Assert.StartsWith("broken.yaml:", error.ToString());
        Assert.Contains("YAML syntax error", error.Message);
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void Duplicate_key_is_an_error_not_a_silent_overwrite()
    {
        var yaml = Valid.Replace("  method: full", "  method: full\n  method: lora");

        var error = Assert.Single(ManifestLoader.LoadText(yaml, "dup.yaml").Errors);

        Assert.Contains("duplicate key method", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(7, error.Line);
    }

    [Fact]
    public void Several_documents_load_as_several_jobs()
    {
        var result = ManifestLoader.LoadText(Valid + "\n---\n" + Valid.Replace("name: tiny", "name: second"), "two.yaml");

        Assert.Equal(["tiny", "second"], result.Jobs.Select(j => j.Metadata.Name));
    }

    [Fact]
    public void Errors_in_any_document_reject_the_file()
    {
        var result = ManifestLoader.LoadText(Valid + "\n---\n" + Valid.Replace("method: full", "method: nope"), "two.yaml");

        Assert.False(result.IsValid);
        Assert.Empty(result.Jobs);
        Assert.Equal(19, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void Empty_and_missing_files_are_clear_errors()
    {
        Assert.Equal("empty.yaml: no FineTuneJob found: the file is empty", Assert.Single(ManifestLoader.LoadText("", "empty.yaml").Errors).ToString());
        Assert.Equal("/nonexistent/job.yaml: file not found", Assert.Single(ManifestLoader.LoadFile("/nonexistent/job.yaml").Errors).ToString());
    }

    [Fact]
    public void A_list_where_a_manifest_belongs_is_an_error()
    {
        var error = Assert.Single(ManifestLoader.LoadText("- a\n- b\n", "list.yaml").Errors);

        Assert.Contains("must be a mapping", error.Message);
    }
}
