namespace Pan123;

/// <summary>
/// Newtonsoft.Json for the generated clients: one serializer for the process (it is safe to share
/// while its settings are not changed), and reading from UTF-8 bytes through pooled character
/// buffers instead of a StreamReader and JsonTextReader buffers allocated per call.
/// </summary>
internal static class JsonBody
{
    private const string KeptModels =
        "Newtonsoft reads and writes only the generated models, which the library's ILLink.Descriptors.xml keeps whole " +
        "when an app is trimmed, and falls back to reflection where dynamic code is missing; the native pan123's tests " +
        "run every command through it.";

    private static readonly Newtonsoft.Json.JsonSerializerSettings Settings;
    private static readonly Newtonsoft.Json.JsonSerializer Serializer;

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = KeptModels)]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = KeptModels)]
    static JsonBody()
    {
        Settings = Pan123JsonSettings.Apply(new Newtonsoft.Json.JsonSerializerSettings());
        Serializer = Newtonsoft.Json.JsonSerializer.Create(Settings);
    }

    // Native AOT (issue 16): Newtonsoft fills the models' AdditionalProperties ([JsonExtensionData]) through
    // the dictionary's methods, found by reflection; these keep them when the app is trimmed.
    [System.Diagnostics.CodeAnalysis.DynamicDependency(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicMethods | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties, typeof(Dictionary<string, object>))]
    [System.Diagnostics.CodeAnalysis.DynamicDependency(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicMethods | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties, typeof(IDictionary<string, object>))]
    public static T? Deserialize<T>(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith(System.Text.Encoding.UTF8.Preamble))
        {
            utf8 = utf8[System.Text.Encoding.UTF8.Preamble.Length..];
        }

        var chars = System.Buffers.ArrayPool<char>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxCharCount(utf8.Length));
        try
        {
            var count = System.Text.Encoding.UTF8.GetChars(utf8, chars);
            using var json = new Newtonsoft.Json.JsonTextReader(new CharArrayReader(chars, count)) { ArrayPool = PooledChars.Instance };
            return Serializer.Deserialize<T>(json);
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(chars);
        }
    }

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = KeptModels)]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = KeptModels)]
    public static HttpContent CreateContent(object body)
    {
        var content = new StringContent(Newtonsoft.Json.JsonConvert.SerializeObject(body, Settings), System.Text.Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Lets JsonTextReader rent its buffer instead of allocating one per call.</summary>
    private sealed class PooledChars : Newtonsoft.Json.IArrayPool<char>
    {
        public static readonly PooledChars Instance = new();

        public char[] Rent(int minimumLength) => System.Buffers.ArrayPool<char>.Shared.Rent(minimumLength);

        public void Return(char[]? array)
        {
            if (array is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(array);
            }
        }
    }

    /// <summary>A TextReader over characters already decoded, so no string of the whole body is made.</summary>
    private sealed class CharArrayReader(char[] chars, int count) : TextReader
    {
        private int _position;

        public override int Peek() => _position < count ? chars[_position] : -1;

        public override int Read() => _position < count ? chars[_position++] : -1;

        public override int Read(char[] buffer, int index, int length) => Read(buffer.AsSpan(index, length));

        public override int Read(Span<char> buffer)
        {
            var n = Math.Min(buffer.Length, count - _position);
            chars.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }
}
