using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FineTune.Trainer.Tokenization;

/// <summary>
/// Writes tokenizer files into a new model directory (the <c>init</c> command), in formats Hugging Face loads and
/// <see cref="TokenizerLoader"/> reads back.
/// </summary>
public static class TokenizerWriter
{
    /// <summary>Padding token of the byte-level preset.</summary>
    public const string PadToken = "<|pad|>";

    /// <summary>
    /// Special tokens of the byte-level preset, in id order after the 256 byte tokens: end of text (BOS and EOS), pad,
    /// then the markers of the chatml and llama3 chat templates so they encode to one id each.
    /// </summary>
    public static IReadOnlyList<string> ByteLevelSpecialTokens { get; } =
    [
        PackagedGpt2.EndOfText, PadToken,
        "<|im_start|>", "<|im_end|>",
        "<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
    ];

    // Relaxed escaping keeps token texts such as "<|endoftext|>" and "Ġthe" readable in the files (they are not HTML).
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the <paramref name="preset"/> tokenizer into <paramref name="directory"/> and returns it as loaded back.</summary>
    public static ITextTokenizer Write(string directory, TokenizerPreset preset, int modelMaxLength)
    {
        Directory.CreateDirectory(directory);
        switch (preset)
        {
            case TokenizerPreset.Gpt2: WriteGpt2(directory, modelMaxLength); break;
            case TokenizerPreset.ByteLevel: WriteByteLevel(directory, modelMaxLength); break;
            default: throw new ArgumentOutOfRangeException(nameof(preset), preset, "unknown tokenizer preset");
        }
        return TokenizerLoader.Load(directory);
    }

    private static void WriteGpt2(string directory, int modelMaxLength)
    {
        var vocab = new JsonObject();
        foreach (var (token, id) in PackagedGpt2.Vocabulary.OrderBy(kv => kv.Value)) vocab[token] = id;
        File.WriteAllText(Path.Combine(directory, "vocab.json"), vocab.ToJsonString(Compact));
        File.WriteAllLines(Path.Combine(directory, "merges.txt"), PackagedGpt2.Merges.Prepend("#version: 0.2"));
        WriteConfigs(directory, modelMaxLength, "GPT2Tokenizer", pad: null,
            new Dictionary<int, string> { [PackagedGpt2.EndOfTextId] = PackagedGpt2.EndOfText });
    }

    private static void WriteByteLevel(string directory, int modelMaxLength)
    {
        var vocab = new JsonObject();
        var baseOrder = ByteLevelAlphabet.BaseTokenOrder;
        for (var id = 0; id < baseOrder.Count; id++) vocab[baseOrder[id].ToString()] = id;
        var specials = ByteLevelSpecialTokens.Select((token, i) => (Token: token, Id: baseOrder.Count + i)).ToList();
        var added = new JsonArray();
        foreach (var (token, id) in specials)
        {
            vocab[token] = id;
            added.Add(new JsonObject
            {
                ["id"] = id, ["content"] = token, ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            });
        }
        JsonObject ByteLevelStep() => new()
        {
            ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true,
        };
        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = ByteLevelStep(),
            ["post_processor"] = ByteLevelStep(),
            ["decoder"] = ByteLevelStep(),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocab, ["merges"] = new JsonArray(),
            },
        };
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), tokenizer.ToJsonString(Indented));
        WriteConfigs(directory, modelMaxLength, "PreTrainedTokenizerFast", pad: PadToken,
            specials.ToDictionary(s => s.Id, s => s.Token), ChatmlJinja);
    }

    // The chatml template in Hugging Face's Jinja form, so apply_chat_template works on the written model too.
    private const string ChatmlJinja =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static void WriteConfigs(string directory, int modelMaxLength, string tokenizerClass, string? pad,
        Dictionary<int, string> specials, string? chatTemplate = null)
    {
        var map = new JsonObject
        {
            ["bos_token"] = PackagedGpt2.EndOfText,
            ["eos_token"] = PackagedGpt2.EndOfText,
            ["unk_token"] = PackagedGpt2.EndOfText,
        };
        if (pad is not null) map["pad_token"] = pad;
        File.WriteAllText(Path.Combine(directory, "special_tokens_map.json"), map.ToJsonString(Indented));

        var decoder = new JsonObject();
        foreach (var (id, token) in specials.OrderBy(kv => kv.Key))
            decoder[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["content"] = token, ["lstrip"] = false, ["normalized"] = false, ["rstrip"] = false,
                ["single_word"] = false, ["special"] = true,
            };
        var config = new JsonObject
        {
            ["tokenizer_class"] = tokenizerClass,
            ["model_max_length"] = modelMaxLength,
            ["add_bos_token"] = false,
            ["add_prefix_space"] = false,
            ["clean_up_tokenization_spaces"] = false,
            ["bos_token"] = PackagedGpt2.EndOfText,
            ["eos_token"] = PackagedGpt2.EndOfText,
            ["unk_token"] = PackagedGpt2.EndOfText,
            ["added_tokens_decoder"] = decoder,
        };
        if (pad is not null) config["pad_token"] = pad;
        if (chatTemplate is not null) config["chat_template"] = chatTemplate;
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), config.ToJsonString(Indented));
    }
}
