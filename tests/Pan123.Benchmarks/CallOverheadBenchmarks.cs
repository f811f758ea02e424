using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Pan123.Benchmarks;

/// <summary>
/// GetDownloadInfoAsync through the generated client and the hand-written layer, against a
/// hand-written HttpClient + Newtonsoft baseline, over the same in-memory handler; and the same call
/// through AddPan123Client's full pipeline (retries, rate limiter with no limit, attempt log, 401
/// refresh) to show what the pipeline costs.
/// </summary>
[MemoryDiagnoser]
public class CallOverheadBenchmarks
{
    private const long FileId = 14749954;
    private HttpClient _http = null!;
    private BaselineClient _baseline = null!;
    private IPan123FilesClient _generated = null!;
    private ServiceProvider _services = null!;
    private IPan123FilesClient _pipeline = null!;

    [GlobalSetup]
    public void Setup()
    {
        _http = new HttpClient(new InMemoryPlatform()) { BaseAddress = InMemoryPlatform.BaseAddress };
        _baseline = new BaselineClient(_http);
        _generated = new Pan123FilesClient(new Pan123ClientConfiguration(new StaticTokenProvider(InMemoryPlatform.Token)), _http);

        var services = new ServiceCollection();
        services.AddPan123Client(o =>
        {
            o.AccessToken = InMemoryPlatform.Token;
            o.RequestsPerSecond.Clear();
        }).ConfigurePrimaryHttpMessageHandler(() => new InMemoryPlatform());
        _services = services.BuildServiceProvider();
        _pipeline = _services.GetRequiredService<IPan123FilesClient>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "HttpClient + Newtonsoft by hand")]
    public Task<string> Baseline() => _baseline.GetDownloadUrlAsync(FileId);

    [Benchmark(Description = "generated client + partials")]
    public async Task<string> Generated() => (await _generated.GetDownloadInfoAsync(FileId)).Data.DownloadUrl;

    [Benchmark(Description = "AddPan123Client pipeline")]
    public async Task<string> Pipeline() => (await _pipeline.GetDownloadInfoAsync(FileId)).Data.DownloadUrl;
}
