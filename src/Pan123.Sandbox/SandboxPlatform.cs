using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pan123.Sandbox;

/// <summary>
/// A fake 123pan open platform: the API (access_token, file/download_info, file/detail) and a CDN
/// on a second port, both real Kestrel servers bound to 127.0.0.1 only. It speaks the platform's
/// wire protocol, so the library, the CLI and the benchmarks run against it as against the real
/// platform. Start it with <see cref="StartAsync"/>; dispose it to stop both servers.
/// </summary>
public sealed class SandboxPlatform : IAsyncDisposable
{
    /// <summary>The demo account's uid, as <c>GET /api/v1/user/info</c> gives it.</summary>
    public const long DemoUid = 1814435971;

    /// <summary>The demo client id that <c>POST /api/v1/access_token</c> accepts.</summary>
    public const string DemoClientId = "sandbox-client-id";

    /// <summary>The demo client secret that goes with <see cref="DemoClientId"/>.</summary>
    public const string DemoClientSecret = "sandbox-client-secret";

    /// <summary>The demo OAuth app's client id (<c>POST /api/v1/oauth2/access_token</c>, the <c>/auth</c> page).</summary>
    public const string DemoOAuthClientId = "sandbox-oauth-app";

    /// <summary>The demo OAuth app's client secret.</summary>
    public const string DemoOAuthClientSecret = "sandbox-oauth-secret";

    /// <summary>An access token the sandbox accepts from the start, for callers that skip the token request.</summary>
    public const string DemoAccessToken = "sandbox-demo-access-token";

    /// <summary>The file id of the platform docs' example (Keyshot_win64_2024.exe), seeded with 8 MiB of content.</summary>
    public const long DemoFileId = 14749954;

    private readonly ConcurrentDictionary<long, SandboxFile> _files = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SandboxRequest> _requests = new();
    private readonly ConcurrentDictionary<(SandboxServer Server, string Path), int> _counts = new();
    private readonly ConcurrentQueue<SandboxAnswer> _answers = new();
    private WebApplication? _api;
    private WebApplication? _cdn;
    private readonly RateWindow _downloadInfoRate;
    private readonly RateWindow _fileListRate;
    private readonly Lock _quotaGate = new();
    private int _tokensIssued;
    private int _rateLimited;
    private long _linkBytes;

    private SandboxPlatform(TimeProvider timeProvider)
    {
        TimeProvider = timeProvider;
        Links = new DownloadLinks(this);
        DirectLinks = new DirectLinkSpaces(this);
        OAuth = new OAuthEndpoints(this);
        (_downloadInfoRate, _fileListRate) = (new RateWindow(timeProvider), new RateWindow(timeProvider));
        _tokens[DemoAccessToken] = DateTimeOffset.MaxValue;
        AddFile(14749926, "Keyshot", 0, type: 1);
        AddFile(DemoFileId, "Keyshot_win64_2024.exe", 8 * 1024 * 1024, parentFileId: 14749926);
        AddFile(1001, "hello.txt", 1_000);
        AddFile(1002, "empty.bin", 0);
        AddFile(1003, "Documents", 0, type: 1);
        SeedDemoTree();
    }

    /// <summary>The id of the demo folder <c>/demo</c>, a small tree for <c>pan123 download /demo -r --sandbox</c>.</summary>
    public const long DemoFolderId = 2000;

    /// <summary>The API's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri ApiBaseAddress { get; private set; } = null!;

    /// <summary>The CDN's address, where download links point unless <see cref="LinkBaseAddress"/> is set.</summary>
    public Uri CdnBaseAddress { get; private set; } = null!;

    /// <summary>
    /// Where download_info's links point instead of the sandbox's CDN, or <see langword="null"/>
    /// (the default). For benchmarks that put another web server (nginx serving the same bytes
    /// under <see cref="SandboxFile.CdnPath"/>) in the CDN's place, so the sandbox's own serving
    /// does not compete for the CPU with the client being measured.
    /// </summary>
    public Uri? LinkBaseAddress { get; set; }

    /// <summary>Switches that inject failures.</summary>
    public SandboxFaults Faults { get; } = new();

    /// <summary>The CDN's per-connection rate cap, connection cap and smallest range (all off by default).</summary>
    public CdnLimits CdnLimits { get; } = new();

    /// <summary>The files the platform knows, by id.</summary>
    public IReadOnlyDictionary<long, SandboxFile> Files => _files;

    /// <summary>
    /// The most recent requests both servers received, in arrival order: at most
    /// <see cref="RequestLogCapacity"/>, so a long benchmark or a demo left running does not grow
    /// without bound. Count calls with <see cref="RequestCount"/>, which never drops one.
    /// </summary>
    public IReadOnlyList<SandboxRequest> Requests => [.. _requests];

    /// <summary>
    /// The most recent answers of the API (not the CDN's bytes), at most <see cref="RequestLogCapacity"/>,
    /// so tests can check every one against the contract.
    /// </summary>
    public IReadOnlyList<SandboxAnswer> Answers => [.. _answers];

    /// <summary>How many requests <see cref="Requests"/> (and answers <see cref="Answers"/>) keeps; older ones are dropped. Default: 10,000.</summary>
    public int RequestLogCapacity { get; set; } = 10_000;

    /// <summary>How many requests a server received for <paramref name="path"/> since the start or the last <see cref="ClearRequests"/>; exact, whatever the log dropped.</summary>
    /// <param name="server">The API or the CDN.</param>
    /// <param name="path">The request path, e.g. <c>/api/v1/file/download_info</c>.</param>
    /// <returns>The count.</returns>
    public int RequestCount(SandboxServer server, string path) => _counts.GetValueOrDefault((server, path));

    /// <summary>How many tokens <c>POST /api/v1/access_token</c> has issued.</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>
    /// When set, download_info answers code 429 to calls beyond this many in one second (a fixed
    /// window on the sandbox's clock), as the platform enforces its documented 5 QPS.
    /// </summary>
    public int? DownloadInfoRequestsPerSecond { get; set; }

    /// <summary>When set, file/list answers code 429 to calls beyond this many in one second, like <see cref="DownloadInfoRequestsPerSecond"/>.</summary>
    public int? FileListRequestsPerSecond { get; set; }

    /// <summary>How many calls the sandbox answered with code 429 because of <see cref="DownloadInfoRequestsPerSecond"/> or <see cref="FileListRequestsPerSecond"/>.</summary>
    public int RateLimitedCalls => Volatile.Read(ref _rateLimited);

    /// <summary>
    /// The monthly download quota in bytes, or <see langword="null"/> for none (the default). Each
    /// download_info link spends its file's size; a link for a file larger than what is left is
    /// refused with code 5113, as the platform does.
    /// </summary>
    public long? DownloadQuotaBytes { get; set; }

    /// <summary>The bytes of every download_info link handed out so far.</summary>
    public long LinkBytes => Interlocked.Read(ref _linkBytes);

    /// <summary>How long an issued token lives; the platform's is 30 days.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a download link stays valid.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(10);

    internal TimeProvider TimeProvider { get; }

    internal DownloadLinks Links { get; }

    /// <summary>The direct-link spaces (none by default) and the direct-link traffic.</summary>
    public DirectLinkSpaces DirectLinks { get; }

    internal OAuthEndpoints OAuth { get; }

    /// <summary>How long an OAuth access token lives; the platform's examples say 7200 s.</summary>
    public TimeSpan OAuthAccessTokenLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How many OAuth refreshes the sandbox has granted (each spends a single-use refresh token).</summary>
    public int OAuthRefreshes => OAuth.Refreshes;

    /// <summary>The sandbox's authorize page, which consents at once and redirects back with a code and the state.</summary>
    public Uri AuthorizePage => new(ApiBaseAddress, "auth");

    /// <summary>Starts the API and the CDN on free ports of 127.0.0.1.</summary>
    /// <param name="timeProvider">The clock for token and link expiry; the system clock by default.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running sandbox.</returns>
    public static async Task<SandboxPlatform> StartAsync(TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var platform = new SandboxPlatform(timeProvider ?? TimeProvider.System);
        try
        {
            platform._cdn = CreateServer(app => CdnEndpoints.Map(app, platform), platform, SandboxServer.Cdn);
            await platform._cdn.StartAsync(cancellationToken).ConfigureAwait(false);
            platform.CdnBaseAddress = AddressOf(platform._cdn);

            platform._api = CreateServer(app => ApiEndpoints.Map(app, platform), platform, SandboxServer.Api);
            await platform._api.StartAsync(cancellationToken).ConfigureAwait(false);
            platform.ApiBaseAddress = AddressOf(platform._api);
            return platform;
        }
        catch
        {
            await platform.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Adds (or replaces) a file with deterministic content of <paramref name="size"/> bytes.</summary>
    /// <param name="fileId">The id, positive.</param>
    /// <param name="filename">The name file/detail reports.</param>
    /// <param name="size">The size in bytes.</param>
    /// <param name="type">0 for a file, 1 for a folder.</param>
    /// <param name="parentFileId">The id of the holding folder.</param>
    /// <returns>The file.</returns>
    public SandboxFile AddFile(long fileId, string filename, long size, int type = 0, long parentFileId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fileId);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var file = new SandboxFile(fileId, filename, size, type, parentFileId);
        _files[fileId] = file;
        return file;
    }

    /// <summary>Makes every download link issued so far invalid (the CDN answers 403), as when links expire.</summary>
    public void ExpireIssuedLinks() => Links.ExpireAll();

    /// <summary>Forgets the recorded requests and answers and resets the counts.</summary>
    public void ClearRequests()
    {
        _requests.Clear();
        _answers.Clear();
        _counts.Clear();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var app in new[] { _api, _cdn })
        {
            if (app is not null)
            {
                await app.StopAsync().ConfigureAwait(false);
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    internal string IssueToken(TimeSpan? lifetime = null)
    {
        Interlocked.Increment(ref _tokensIssued);
        var token = "sbx." + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        _tokens[token] = TimeProvider.GetUtcNow() + (lifetime ?? TokenLifetime);
        return token;
    }

    internal void RevokeToken(string token) => _tokens.TryRemove(token, out _);

    internal bool TryTakeDownloadInfoPermit() => Counted(_downloadInfoRate.TryTake(DownloadInfoRequestsPerSecond));

    internal bool TryTakeFileListPermit() => Counted(_fileListRate.TryTake(FileListRequestsPerSecond));

    /// <summary>Spends <paramref name="file"/>'s size of the quota; false (code 5113) when less than that is left.</summary>
    internal bool TrySpendQuota(SandboxFile file)
    {
        lock (_quotaGate)
        {
            if (DownloadQuotaBytes is { } quota && LinkBytes + file.Size > quota)
            {
                return false;
            }

            Interlocked.Add(ref _linkBytes, file.Size);
            return true;
        }
    }

    /// <summary>The entries of a folder (or, with <paramref name="search"/>, of the whole drive), in id order.</summary>
    internal IEnumerable<SandboxFile> Children(long parentFileId, string? search, bool exact) =>
        _files.Values
            .Where(f => search is null
                ? f.ParentFileId == parentFileId
                : exact ? f.Filename == search : f.Filename.Contains(search, StringComparison.Ordinal))
            .OrderBy(f => f.FileId);

    /// <summary>Adds a folder.</summary>
    /// <param name="fileId">The id, positive.</param>
    /// <param name="name">The folder's name.</param>
    /// <param name="parentFileId">The id of the holding folder; 0 is the root.</param>
    /// <returns>The folder.</returns>
    public SandboxFile AddFolder(long fileId, string name, long parentFileId = 0) => AddFile(fileId, name, 0, type: 1, parentFileId: parentFileId);

    private bool Counted(bool permitted)
    {
        if (!permitted)
        {
            Interlocked.Increment(ref _rateLimited);
        }

        return permitted;
    }

    // /demo: a few small files, a subfolder, and one trashed entry that a mirror skips; a direct-link
    // space, so 'pan123 download /demo -r --direct --sandbox' shows that mode too.
    private void SeedDemoTree()
    {
        AddFolder(DemoFolderId, "demo");
        DirectLinks.Enable(DemoFolderId);
        AddFile(2001, "readme.txt", 1_200, parentFileId: DemoFolderId);
        AddFile(2002, "data.bin", 3 * 1024 * 1024 + 7, parentFileId: DemoFolderId);
        AddFolder(2003, "photos", DemoFolderId);
        AddFile(2004, "a.jpg", 150_000, parentFileId: 2003);
        AddFile(2005, "b.jpg", 170_000, parentFileId: 2003);
        AddFile(2006, "old.txt", 500, parentFileId: DemoFolderId).Trashed = true;
    }

    internal bool IsValidToken(string token) =>
        _tokens.TryGetValue(token, out var expiry) && expiry > TimeProvider.GetUtcNow();

    /// <summary>Revokes every token, as when the platform pushes tokens offline.</summary>
    public void RevokeAllTokens() => _tokens.Clear();

    private static WebApplication CreateServer(Action<WebApplication> map, SandboxPlatform platform, SandboxServer server)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            platform.Record(server, context.Request);
            if (server == SandboxServer.Cdn)
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            // API answers are small: each is kept whole, beside the request, for the contract checks.
            var original = context.Response.Body;
            using var copy = new MemoryStream();
            context.Response.Body = copy;
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                context.Response.Body = original;
                copy.Position = 0;
                await copy.CopyToAsync(original, context.RequestAborted).ConfigureAwait(false);
                platform.RecordAnswer(context, System.Text.Encoding.UTF8.GetString(copy.ToArray()));
            }
        });
        map(app);
        return app;
    }

    private static Uri AddressOf(WebApplication app) => new(app.Urls.Single().TrimEnd('/') + "/");

    /// <summary>Marks the answer being written as a deliberate fault, not the platform's protocol.</summary>
    internal static void MarkFault(HttpContext context) => context.Items[FaultKey] = true;

    private static readonly object FaultKey = new();

    private void RecordAnswer(HttpContext context, string body)
    {
        _answers.Enqueue(new SandboxAnswer(
            context.Request.Method,
            context.Request.Path.Value ?? "/",
            context.Response.StatusCode,
            context.Response.ContentType,
            body,
            context.Items.ContainsKey(FaultKey)));
        while (_answers.Count > RequestLogCapacity && _answers.TryDequeue(out _))
        {
        }
    }

    // The OAuth token request carries the client secret, the refresh token and the code in its query:
    // the log keeps their names, never their values.
    private static string RedactedQuery(string query) =>
        System.Text.RegularExpressions.Regex.Replace(query, "(?<=[?&](client_secret|refresh_token|code)=)[^&]*", "***");

    private void Record(SandboxServer server, HttpRequest request)
    {
        var path = request.Path.Value ?? "/";
        _counts.AddOrUpdate((server, path), 1, (_, n) => n + 1);
        _requests.Enqueue(new SandboxRequest(
            server,
            request.Method,
            path,
            RedactedQuery(request.QueryString.Value ?? string.Empty),
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        while (_requests.Count > RequestLogCapacity && _requests.TryDequeue(out _))
        {
        }
    }
}
