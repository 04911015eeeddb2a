using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tokenization;
using FineTune.Trainer.Tokenization.Chat;

namespace FineTune.Trainer.Tests.Tokenization.Chat;

public sealed class ChatTemplateDetectorTests
{
    [Theory]
    [InlineData("{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>{% endfor %}", ChatTemplate.Llama3)]
    [InlineData("{% for m in messages %}<|im_start|>{{ m['role'] }}{% endfor %}", ChatTemplate.Chatml)]
    [InlineData("{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}", null)]
    public void Template_markers_identify_the_template(string jinja, ChatTemplate? expected)
    {
        Assert.Equal(expected, ChatTemplateDetector.FromTemplateText(jinja));
    }

    [Fact]
    public void Named_template_lists_use_the_default_entry()
    {
        using var dir = new TempDirectory();
        dir.File("tokenizer_config.json", """{"chat_template": [{"name": "tool_use", "template": "<|im_start|>"}, {"name": "default", "template": "<|start_header_id|>"}]}""");
        Assert.Equal(ChatTemplate.Llama3, ChatTemplateDetector.FromModelDirectory(dir.Path));
    }

    [Fact]
    public void Byte_level_preset_declares_chatml()
    {
        using var dir = new TempDirectory();
        TokenizerWriter.Write(dir.Path, TokenizerPreset.ByteLevel, 128);
        Assert.Equal(ChatTemplate.Chatml, ChatTemplateDetector.FromModelDirectory(dir.Path));
    }

    [Fact]
    public void Directory_without_a_template_has_none()
    {
        using var dir = new TempDirectory();
        Assert.Null(ChatTemplateDetector.FromModelDirectory(dir.Path));
        dir.File("tokenizer_config.json", """{"bos_token": "<s>"}""");
        Assert.Null(ChatTemplateDetector.FromModelDirectory(dir.Path));
    }
}
