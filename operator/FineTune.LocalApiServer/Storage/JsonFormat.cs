using System.Text.Encodings.Web;
using System.Text.Json;

namespace FineTune.LocalApiServer.Storage;

/// <summary>How the server writes JSON: compact, with only the escaping JSON requires.</summary>
public static class JsonFormat
{
    /// <summary>Serializer options for every response body and stored object.</summary>
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
