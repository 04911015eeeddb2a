using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Checkpoints;

/// <summary>
/// Adds the <c>"__metadata__": {"format": "pt"}</c> entry that Hugging Face writers put in every safetensors header
/// (some transformers versions refuse files without it). TorchSharp.PyBridge writes no metadata, so the header is
/// rewritten after saving; tensor data offsets are relative to the end of the header and stay valid.
/// </summary>
internal static class SafetensorsHeader
{
    public static void AddPytorchFormat(string source, string destination)
    {
        using var input = File.OpenRead(source);
        Span<byte> lengthBytes = stackalloc byte[8];
        input.ReadExactly(lengthBytes);
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (length > 100_000_000 || (long)length > input.Length - 8)
            throw new ModelFormatException($"{source}: safetensors header length {length} is not plausible.");
        var headerBytes = new byte[length];
        input.ReadExactly(headerBytes);
        var header = JsonNode.Parse(headerBytes)?.AsObject()
            ?? throw new ModelFormatException($"{source}: safetensors header is not a JSON object.");

        var metadata = header["__metadata__"] as JsonObject ?? new JsonObject();
        metadata["format"] = "pt";
        header.Remove("__metadata__");
        var ordered = new JsonObject { ["__metadata__"] = metadata };
        foreach (var (name, value) in header.ToList())
        {
            header.Remove(name);
            ordered[name] = value;
        }

        var text = ordered.ToJsonString();
        int padding = (8 - Encoding.UTF8.GetByteCount(text) % 8) % 8; // keep the data 8-byte aligned
        var newHeader = Encoding.UTF8.GetBytes(text + new string(' ', padding));
        using var output = File.Create(destination);
        BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)newHeader.Length);
        output.Write(lengthBytes);
        output.Write(newHeader);
        input.CopyTo(output);
    }
}
