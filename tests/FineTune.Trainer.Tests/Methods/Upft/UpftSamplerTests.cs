using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data;
using FineTune.Trainer.Methods.Upft;
using FineTune.Trainer.Models.Generation;
using FineTune.Trainer.Tests.Data;

namespace FineTune.Trainer.Tests.Methods.Upft;

public sealed class UpftSamplerTests
{
    [Fact]
    public void Prefix_samples_target_only_their_first_prefix_tokens_and_never_the_prompt()
    {
        var settings = UpftTestData.Settings(prefixTokens: 5, structureRatio: 0);
        var prompts = UpftTestData.Prompts(6, settings);
        var set = UpftTestData.Sample(UpftTestData.Model(), prompts, settings);

        Assert.Equal(12, set.Samples.Count);
        var stop = UpftTestData.Encoder().StopTokenId();
        foreach (var sample in set.Samples)
        {
            Assert.False(sample.Structure);
            // Five tokens, unless the model stopped earlier (then the stop token ends the answer).
            Assert.True(sample.Answer.Length == 5 || (sample.Answer.Length < 5 && sample.Answer[^1] == stop), $"answer of {sample.Answer.Length} tokens");
            var example = sample.ToExample();
            var labels = example.Sequence.Labels;
            Assert.Equal(sample.Prompt.Length + sample.Answer.Length, example.Sequence.Length);
            Assert.All(labels[..sample.Prompt.Length], l => Assert.Equal(TokenSequence.IgnoreIndex, l));
            Assert.Equal(sample.Answer, labels[sample.Prompt.Length..]);
            Assert.Equal(sample.Answer, example.Sequence.InputIds[sample.Prompt.Length..]);
            Assert.Equal(sample.Prompt.Length, example.PromptLength);
        }
    }

    [Fact]
    public void Structure_samples_target_the_whole_answer_up_to_max_new_tokens()
    {
        var settings = UpftTestData.Settings(prefixTokens: 2, structureRatio: 1, samplesPerPrompt: 1, maxNewTokens: 10);
        var prompts = UpftTestData.Prompts(6, settings);
        var set = UpftTestData.Sample(UpftTestData.Model(), prompts, settings);

        var stop = UpftTestData.Encoder().StopTokenId();
        Assert.All(set.Samples, s => Assert.True(s.Structure));
        Assert.All(set.Samples, s => Assert.True(s.Answer.Length == 10 || s.Answer[^1] == stop, $"answer of {s.Answer.Length} tokens"));
        Assert.Contains(set.Samples, s => s.Answer.Length > settings.PrefixTokens);
        Assert.All(set.Samples, s => Assert.Equal(s.Answer.Length, s.ToExample().Sequence.TargetCount));
    }

    [Fact]
    public void Whole_answers_are_cut_where_the_sequence_length_ends()
    {
        var settings = UpftTestData.Settings(prefixTokens: 2, structureRatio: 1, samplesPerPrompt: 1, maxNewTokens: 200, sequenceLength: 40);
        var prompts = UpftTestData.Prompts(3, settings);
        var set = UpftSampler.Sample(UpftTestData.Model(), prompts, settings, stopTokenId: null, "test");

        Assert.All(set.Samples, s => Assert.Equal(40, s.ToExample().Sequence.Length));
    }

    [Fact]
    public void Answers_are_the_model_own_greedy_continuations_at_a_near_zero_temperature()
    {
        var settings = UpftTestData.Settings(prefixTokens: 6, structureRatio: 0.5, samplesPerPrompt: 1, maxNewTokens: 10, temperature: 1e-6);
        var prompts = UpftTestData.Prompts(4, settings);
        var model = UpftTestData.Model();
        var set = UpftTestData.Sample(model, prompts, settings);

        foreach (var sample in set.Samples)
        {
            // What `trainer generate` prints by default: greedy (temperature 0), stopping at the stop token.
            var greedy = TextGenerator.Generate(model, sample.Prompt.Select(id => (long)id).ToArray(), new GenerationOptions
            {
                MaxNewTokens = sample.Structure ? 10 : 6,
                EosTokenId = UpftTestData.Encoder().StopTokenId(),
            });
            Assert.Equal(greedy.Select(id => (int)id), sample.Answer);
        }
    }

    [Fact]
    public void A_prefix_sample_is_the_start_of_the_whole_answer_its_seed_draws()
    {
        var prefix = UpftTestData.Settings(prefixTokens: 3, structureRatio: 0, samplesPerPrompt: 2);
        var prompts = UpftTestData.Prompts(4, prefix);
        var model = UpftTestData.Model();
        var prefixes = UpftSampler.Sample(model, prompts, prefix, stopTokenId: null, "test");
        var whole = UpftSampler.Sample(model, prompts, prefix with { StructureRatio = 1 }, stopTokenId: null, "test");

        Assert.Equal(whole.Samples.Select(s => s.Answer[..3]), prefixes.Samples.Select(s => s.Answer));
        Assert.All(whole.Samples, s => Assert.Equal(12, s.Answer.Length));
    }

    [Fact]
    public void Sampling_is_deterministic_for_a_seed_and_changes_with_it()
    {
        var settings = UpftTestData.Settings(structureRatio: 0.5);
        var prompts = UpftTestData.Prompts(4, settings);
        var first = UpftTestData.Sample(UpftTestData.Model(), prompts, settings);
        var again = UpftTestData.Sample(UpftTestData.Model(), prompts, settings);
        var reseeded = UpftTestData.Sample(UpftTestData.Model(), prompts, settings with { Seed = 4 });

        Assert.Equal(Flatten(first), Flatten(again));
        Assert.Equal(first.Samples.Select(s => s.Structure), again.Samples.Select(s => s.Structure));
        Assert.NotEqual(Flatten(first), Flatten(reseeded));
        // The samples of one prompt differ from each other: each has a seed of its own.
        Assert.Contains(Enumerable.Range(0, 4), p => !first.Samples[2 * p].Answer.SequenceEqual(first.Samples[2 * p + 1].Answer));
    }

    [Fact]
    public void The_sample_set_reads_back_as_written()
    {
        var settings = UpftTestData.Settings();
        var set = UpftTestData.Sample(UpftTestData.Model(), UpftTestData.Prompts(3, settings), settings);
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, UpftSampleSet.FileName);
        set.Write(path);

        var read = UpftSampleSet.Read(path);
        Assert.Equal(set.Fingerprint, read.Fingerprint);
        Assert.Equal(Flatten(set), Flatten(read));
        Assert.Equal(set.Samples.Select(s => (s.Line, s.Sample, s.Structure)), read.Samples.Select(s => (s.Line, s.Sample, s.Structure)));
        Assert.Equal(set.Samples.Select(s => string.Join(",", s.Prompt)), read.Samples.Select(s => string.Join(",", s.Prompt)));
    }

    [Fact]
    public void Prompts_are_framed_in_the_chat_template_or_left_as_plain_text()
    {
        var settings = UpftTestData.Settings();
        var chat = UpftTestData.Prompts(1, settings, UpftTestData.Encoder(ChatTemplate.Chatml))[0];
        var plain = UpftTestData.Prompts(1, settings, UpftTestData.Encoder(template: null))[0];

        Assert.Equal("<|im_start|>user\nWhat is 1 plus 3?<|im_end|>\n<|im_start|>assistant\n", TestTokenizers.Text(chat.Sequence));
        Assert.Equal("What is 1 plus 3?", TestTokenizers.Text(plain.Sequence));
        Assert.Equal(0, chat.Sequence.TargetCount);
        Assert.Equal(TestTokenizers.ByteLevel.SpecialTokens["<|im_end|>"], UpftTestData.Encoder(ChatTemplate.Chatml).StopTokenId());
        Assert.Equal(TestTokenizers.ByteLevel.EosId, UpftTestData.Encoder(template: null).StopTokenId());
    }

    private static string[] Flatten(UpftSampleSet set) => set.Samples.Select(s => string.Join(",", s.Answer)).ToArray();
}
