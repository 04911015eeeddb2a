using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Tokenization.Chat;

namespace FineTune.Trainer.Tests.Tokenization.Chat;

public sealed class ChatTemplateRendererTests
{
    private static readonly ChatMessage[] Conversation =
    [
        new("system", "Be brief."),
        new("user", "Hi"),
        new("assistant", "Hello!"),
    ];

    public static TheoryData<ChatTemplate, string> Expected => new()
    {
        { ChatTemplate.Chatml, "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n" },
        { ChatTemplate.Llama3, "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>" },
        { ChatTemplate.Plain, "System: Be brief.\nUser: Hi\nAssistant: Hello!\n" },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Templates_render_role_markers(ChatTemplate template, string expected)
    {
        Assert.Equal(expected, ChatTemplateRenderer.RenderText(template, Conversation));
    }

    [Theory]
    [InlineData(ChatTemplate.Chatml, "Hello!<|im_end|>")]
    [InlineData(ChatTemplate.Llama3, "Hello!<|eot_id|>")]
    [InlineData(ChatTemplate.Plain, "Hello!\n")]
    public void Only_the_assistant_reply_and_its_end_marker_are_completion(ChatTemplate template, string completion)
    {
        var segments = ChatTemplateRenderer.Render(template, Conversation);
        Assert.Equal([completion], segments.Where(s => s.IsCompletion).Select(s => s.Text));
    }

    [Theory]
    [InlineData(ChatTemplate.Chatml, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")]
    [InlineData(ChatTemplate.Llama3, "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")]
    [InlineData(ChatTemplate.Plain, "User: Hi\nAssistant: ")]
    public void Generation_prompt_opens_an_assistant_turn(ChatTemplate template, string expected)
    {
        Assert.Equal(expected, ChatTemplateRenderer.RenderText(template, [new("user", "Hi")], addGenerationPrompt: true));
    }

    [Fact]
    public void Unknown_role_is_rejected_with_the_accepted_roles()
    {
        var error = Assert.Throws<ArgumentException>(() => ChatTemplateRenderer.Render(ChatTemplate.Chatml, [new("robot", "x")]));
        Assert.Contains("role \"robot\" is not one of system, user, assistant", error.Message);
    }
}
