using System.Net.Http.Headers;
using Newtonsoft.Json;

namespace Pan123.Benchmarks;

/// <summary>
/// What a team would write by hand instead: HttpClient plus Newtonsoft reading the same envelope,
/// with the same headers and the same code check. The yardstick for the generated client's overhead.
/// </summary>
internal sealed class BaselineClient(HttpClient http)
{
    private static readonly JsonSerializer Serializer = JsonSerializer.CreateDefault();
    private readonly AuthenticationHeaderValue _authorization = new("Bearer", InMemoryPlatform.Token);

    public async Task<string> GetDownloadUrlAsync(long fileId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/file/download_info?fileId=" + fileId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("Platform", "open_platform");
        request.Headers.Authorization = _authorization;
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var text = new StreamReader(body);
        using var json = new JsonTextReader(text);
        var envelope = Serializer.Deserialize<Envelope>(json) ?? throw new InvalidOperationException("empty body");
        return envelope.Code == 0 && envelope.Data is { } data
            ? data.DownloadUrl
            : throw new InvalidOperationException($"code {envelope.Code}: {envelope.Message} ({envelope.TraceId})");
    }

    private sealed class Envelope
    {
        [JsonProperty("code")]
        public int Code { get; set; }

        [JsonProperty("message")]
        public string? Message { get; set; }

        [JsonProperty("data")]
        public DownloadInfoData? Data { get; set; }

        [JsonProperty("x-traceID")]
        public string? TraceId { get; set; }
    }

    private sealed class DownloadInfoData
    {
        [JsonProperty("downloadUrl")]
        public string DownloadUrl { get; set; } = string.Empty;
    }
}
