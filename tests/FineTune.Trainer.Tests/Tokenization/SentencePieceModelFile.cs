using System.Text;

namespace FineTune.Trainer.Tests.Tokenization;

/// <summary>
/// Writes a minimal SentencePiece BPE model (the protobuf ModelProto of tokenizer.model) for tests, since no real
/// Llama tokenizer can be downloaded here. Field numbers follow sentencepiece_model.proto.
/// </summary>
public static class SentencePieceModelFile
{
    public enum PieceType { Normal = 1, Unknown = 2, Control = 3 }

    public static byte[] Build(IReadOnlyList<(string Piece, float Score, PieceType Type)> pieces)
    {
        using var model = new MemoryStream();
        foreach (var (piece, score, type) in pieces)
        {
            using var message = new MemoryStream();
            WriteString(message, 1, piece);
            WriteTag(message, 2, 5);
            message.Write(BitConverter.GetBytes(score));
            WriteTag(message, 3, 0);
            WriteVarint(message, (ulong)type);
            WriteBytes(model, 1, message.ToArray());
        }
        using var trainer = new MemoryStream();
        WriteTag(trainer, 3, 0); WriteVarint(trainer, 2);            // model_type: BPE
        WriteTag(trainer, 4, 0); WriteVarint(trainer, (ulong)pieces.Count); // vocab_size
        WriteTag(trainer, 40, 0); WriteVarint(trainer, 0);           // unk_id
        WriteTag(trainer, 41, 0); WriteVarint(trainer, 1);           // bos_id
        WriteTag(trainer, 42, 0); WriteVarint(trainer, 2);           // eos_id
        WriteBytes(model, 2, trainer.ToArray());
        using var normalizer = new MemoryStream();
        WriteString(normalizer, 1, "identity");
        WriteTag(normalizer, 3, 0); WriteVarint(normalizer, 1);      // add_dummy_prefix
        WriteTag(normalizer, 4, 0); WriteVarint(normalizer, 1);      // remove_extra_whitespaces
        WriteTag(normalizer, 5, 0); WriteVarint(normalizer, 1);      // escape_whitespaces
        WriteBytes(model, 3, normalizer.ToArray());
        return model.ToArray();
    }

    private static void WriteTag(Stream s, int field, int wireType) => WriteVarint(s, (ulong)((field << 3) | wireType));

    private static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80) { s.WriteByte((byte)(value | 0x80)); value >>= 7; }
        s.WriteByte((byte)value);
    }

    private static void WriteBytes(Stream s, int field, byte[] bytes)
    {
        WriteTag(s, field, 2);
        WriteVarint(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static void WriteString(Stream s, int field, string text) => WriteBytes(s, field, Encoding.UTF8.GetBytes(text));
}
