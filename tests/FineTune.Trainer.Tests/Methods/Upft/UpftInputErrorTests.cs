using FineTune.Trainer.Data;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Training;

namespace FineTune.Trainer.Tests.Methods.Upft;

public sealed class UpftInputErrorTests
{
    [Fact]
    public void A_missing_prompts_file_is_an_error_naming_the_field_and_the_path()
    {
        using var job = new UpftJobFixture();
        File.Delete(job.PromptsFile);

        var error = Assert.Throws<JobInputException>(() => job.Plan());
        Assert.Contains("spec.upft.promptsUri: 'data/prompts.jsonl' is not a file", error.Message);
        Assert.Contains(job.PromptsFile, error.Message);
    }

    [Fact]
    public void A_line_that_is_not_json_is_an_error_naming_the_file_and_line()
    {
        using var job = new UpftJobFixture();
        var lines = File.ReadAllLines(job.PromptsFile);
        lines[2] = """{"prompt": "unterminated""";
        File.WriteAllLines(job.PromptsFile, lines);

        var error = Assert.Throws<DatasetException>(() => JobRunner.Run(job.Plan(), NullTrainingObserver.Instance));
        Assert.StartsWith($"{job.PromptsFile}:3: not valid JSON", error.Message);
    }

    [Fact]
    public void A_line_without_a_prompt_is_an_error_naming_the_file_line_and_expected_shape()
    {
        using var job = new UpftJobFixture();
        var lines = File.ReadAllLines(job.PromptsFile);
        lines[1] = """{"question": "What is 2 plus 6?"}""";
        File.WriteAllLines(job.PromptsFile, lines);

        var error = Assert.Throws<DatasetException>(() => JobRunner.Run(job.Plan(), NullTrainingObserver.Instance));
        Assert.Equal($"{job.PromptsFile}:2: missing field \"prompt\"; expected {{\"prompt\": \"...\"}}", error.Message);
    }

    [Fact]
    public void Prefix_tokens_that_fill_the_sequence_length_are_an_error_naming_both_fields()
    {
        using var job = new UpftJobFixture(upft: "prefixTokens: 96", hyperparameters: "learningRate: 1.0e-2, batchSize: 4, maxSteps: 1, sequenceLength: 96");

        var error = Assert.Throws<JobInputException>(() => JobRunner.Run(job.Plan(), NullTrainingObserver.Instance));
        Assert.StartsWith("spec.upft.prefixTokens: 96 does not fit spec.hyperparameters.sequenceLength 96", error.Message);
        Assert.Contains("expected at most 95", error.Message);
    }

    [Fact]
    public void A_prompt_too_long_for_its_prefix_is_an_error_naming_the_file_and_line()
    {
        using var job = new UpftJobFixture(upft: "prefixTokens: 8", hyperparameters: "learningRate: 1.0e-2, batchSize: 4, maxSteps: 1, sequenceLength: 64");
        var lines = File.ReadAllLines(job.PromptsFile);
        lines[3] = $$"""{"prompt": "{{new string('x', 40)}}"}""";
        File.WriteAllLines(job.PromptsFile, lines);

        var error = Assert.Throws<JobInputException>(() => JobRunner.Run(job.Plan(), NullTrainingObserver.Instance));
        Assert.StartsWith($"{job.PromptsFile}:4: the prompt has", error.Message);
        Assert.Contains("spec.upft.prefixTokens 8 that exceeds spec.hyperparameters.sequenceLength 64", error.Message);
    }

    [Fact]
    public void Upft_has_one_stage()
    {
        using var job = new UpftJobFixture();
        var error = Assert.Throws<JobInputException>(() => job.Plan(stage: "sft"));
        Assert.Equal("--stage: 'sft' is not a stage of method upft; it has one stage, 'train'.", error.Message);
    }
}
