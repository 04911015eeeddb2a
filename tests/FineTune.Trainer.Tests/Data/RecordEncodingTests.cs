using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data;
using static FineTune.Trainer.Tests.Data.TestTokenizers;

namespace FineTune.Trainer.Tests.Data;

public sealed class RecordEncodingTests
{
    private const string Eos = "<|endoftext|>";

    private static PreparedDataset Prepare(DatasetOptions options, params string[] lines)
    {
        using var dir = new TempDirectory();
        var path = dir.File("train.jsonl", string.Join("\n", lines) + "\n");
        return DatasetPreparer.Prepare(path, null, ByteLevel, options);
    }

    [Fact]
    public void Text_records_are_all_targets_and_end_with_eos()
    {
        var example = Prepare(new DatasetOptions(), """{"text": "hello world"}""").Train.Single();
        Assert.Equal("hello world" + Eos, Text(example.Sequence));
        Assert.Equal(example.Sequence.InputIds, example.Sequence.Labels);
        Assert.Equal(ByteLevel.EosId, example.Sequence.InputIds[^1]);
    }

    [Fact]
    public void Pre_tokenized_text_records_are_taken_as_given()
    {
        var example = Prepare(new DatasetOptions(), """{"input_ids": [5, 7, 256, 9]}""").Train.Single();
        Assert.Equal([5, 7, 256, 9], example.Sequence.InputIds);
        Assert.Equal([5, 7, 256, 9], example.Sequence.Labels);
    }

    [Fact]
    public void Instruction_records_mask_the_prompt_under_completion_only_loss()
    {
        const string line = """{"instruction": "Reverse.", "input": "a b", "output": "b a"}""";
        var masked = Prepare(new DatasetOptions { Format = DatasetFormat.Instruction }, line).Train.Single();
        Assert.Equal("### Instruction:\nReverse.\n\n### Input:\na b\n\n### Response:\nb a" + Eos, Text(masked.Sequence));
        Assert.Equal("b a" + Eos, Targets(masked.Sequence));

        var full = Prepare(new DatasetOptions { Format = DatasetFormat.Instruction, CompletionOnlyLoss = false }, line).Train.Single();
        Assert.Equal(full.Sequence.InputIds, full.Sequence.Labels);
    }

    [Fact]
    public void Instruction_records_without_input_leave_out_the_input_section()
    {
        var example = Prepare(new DatasetOptions { Format = DatasetFormat.Instruction }, """{"instruction": "Say hi.", "output": "hi"}""").Train.Single();
        Assert.Equal("### Instruction:\nSay hi.\n\n### Response:\nhi" + Eos, Text(example.Sequence));
    }

    [Theory]
    [InlineData(ChatTemplate.Chatml, "Hello!<|im_end|>" + Eos)]
    [InlineData(ChatTemplate.Llama3, "Hello!<|eot_id|>" + Eos)]
    [InlineData(ChatTemplate.Plain, "Hello!\n" + Eos)]
    public void Chat_records_train_on_assistant_replies_only(ChatTemplate template, string targets)
    {
        var example = Prepare(new DatasetOptions { Format = DatasetFormat.Chat, ChatTemplate = template },
            """{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}""").Train.Single();
        Assert.Equal(targets, Targets(example.Sequence));
    }

    [Fact]
    public void Classification_string_labels_are_numbered_in_sorted_order()
    {
        var data = Prepare(new DatasetOptions { Format = DatasetFormat.Classification },
            """{"text": "great", "label": "positive"}""",
            """{"text": "awful", "label": "negative"}""",
            """{"text": "fine", "label": "positive"}""");
        Assert.Equal(["negative", "positive"], data.LabelNames);
        Assert.Equal([1, 0, 1], data.Train.Select(e => e.ClassLabel));
        Assert.All(data.Train, e => Assert.Equal(0, e.Sequence.TargetCount));
    }

    [Fact]
    public void Classification_labels_follow_the_models_label_ids_when_given()
    {
        var data = Prepare(new DatasetOptions { Format = DatasetFormat.Classification, LabelIds = new Dictionary<string, int> { ["pos"] = 0, ["neg"] = 1 } },
            """{"text": "great", "label": "pos"}""", """{"text": "bad", "label": "neg"}""");
        Assert.Equal([0, 1], data.Train.Select(e => e.ClassLabel));
        Assert.Equal(["pos", "neg"], data.LabelNames);
    }

    [Fact]
    public void Classification_text_is_framed_with_cls_and_sep_for_bert()
    {
        using var dir = new TempDirectory();
        dir.File("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\ngood\nbad\n");
        var bert = FineTune.Trainer.Tokenization.TokenizerLoader.Load(dir.Path);
        var path = dir.File("train.jsonl", "{\"text\": \"Good\", \"label\": 1}\n");
        var example = DatasetPreparer.Prepare(path, null, bert, new DatasetOptions { Format = DatasetFormat.Classification }).Train.Single();
        Assert.Equal([2, 5, 3], example.Sequence.InputIds);
        Assert.Equal(1, example.ClassLabel);
    }

    [Fact]
    public void Classification_integer_labels_are_class_ids()
    {
        var data = Prepare(new DatasetOptions { Format = DatasetFormat.Classification, NumLabels = 3 },
            """{"text": "a", "label": 2}""", """{"text": "b", "label": 0}""");
        Assert.Equal([2, 0], data.Train.Select(e => e.ClassLabel));
        Assert.Null(data.LabelNames);
    }

    [Fact]
    public void Preference_records_share_the_masked_prompt_and_target_each_answer()
    {
        var example = Prepare(new DatasetOptions { Format = DatasetFormat.Preference },
            """{"prompt": "Q: 2+2?\nA:", "chosen": " 4", "rejected": " 5"}""").Train.Single();
        Assert.Equal("Q: 2+2?\nA: 4" + Eos, Text(example.Sequence));
        Assert.Equal("Q: 2+2?\nA: 5" + Eos, Text(example.Rejected!));
        Assert.Equal(" 4" + Eos, Targets(example.Sequence));
        Assert.Equal(" 5" + Eos, Targets(example.Rejected!));
        Assert.Equal("Q: 2+2?\nA:".Length, example.PromptLength);
    }

    [Fact]
    public void Prompt_records_have_no_targets_and_no_eos()
    {
        var example = Prepare(new DatasetOptions { Format = DatasetFormat.Prompt }, """{"prompt": "Once upon"}""").Train.Single();
        Assert.Equal("Once upon", Text(example.Sequence));
        Assert.Equal(0, example.Sequence.TargetCount);
        Assert.Equal(example.Sequence.Length, example.PromptLength);
    }

    [Fact]
    public void Blank_lines_are_ignored_and_lines_are_numbered_in_the_file()
    {
        var data = Prepare(new DatasetOptions(), "", """{"text": "a"}""", "   ", """{"text": "b"}""");
        Assert.Equal([2L, 4L], data.Train.Select(e => e.Line));
    }

    [Fact]
    public void Options_from_the_spec_apply_the_documented_defaults()
    {
        var options = DatasetOptions.From(
            new DatasetSpec { Uri = "s3://b/k", Format = DatasetFormat.Instruction, MaxSamples = 10 },
            new Hyperparameters { SequenceLength = 64, Seed = 7 });
        Assert.True(options.CompletionOnlyLoss);
        Assert.Equal(ChatTemplate.Chatml, options.ChatTemplate);
        Assert.Equal(64, options.SequenceLength);
        Assert.Equal(7, options.Seed);
        Assert.Equal(10, options.MaxSamples);
        Assert.Equal(TruncationMode.Truncate, options.Truncation);
        Assert.False(DatasetOptions.From(new DatasetSpec { Uri = "x" }, new Hyperparameters()).CompletionOnlyLoss);
        Assert.Equal(ChatTemplate.Llama3, DatasetOptions.From(new DatasetSpec { Uri = "x", Format = DatasetFormat.Chat }, new Hyperparameters(), modelChatTemplate: ChatTemplate.Llama3).ChatTemplate);
    }
}
