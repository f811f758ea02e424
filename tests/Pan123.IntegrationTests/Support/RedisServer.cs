using System.Diagnostics;
using StackExchange.Redis;

namespace Pan123.IntegrationTests.Support;

/// <summary>
/// A real redis-server on 127.0.0.1 and a free port, started for a test and stopped after it (no
/// persistence). Tests that need it are marked <see cref="RedisFactAttribute"/>: skipped, with the
/// reason, where redis-server is not installed (CI installs it).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string[] _settings;
    private Process? _process;

    private RedisServer(int port, string? password, string[] settings) => (Port, Password, _settings) = (port, password, settings);

    public int Port { get; }

    /// <summary>The default user's password (<c>requirepass</c>), or null for none.</summary>
    public string? Password { get; }

    /// <summary>The address, with the default user's password when there is one: full rights, for the test itself.</summary>
    public string ConnectionString => Password is null ? $"127.0.0.1:{Port}" : $"127.0.0.1:{Port},password={Password}";

    public static string? Executable { get; } = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);

    /// <summary>Starts a server; <paramref name="settings"/> are more configuration lines, e.g. <c>["user", "app", "on", ...]</c> as one directive.</summary>
    public static async Task<RedisServer> StartAsync(string? password = null, params string[] settings)
    {
        var server = new RedisServer(LoopbackPort.Free(), password, settings);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) on the same port and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("redis-server is not installed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] password = Password is null ? [] : ["--requirepass", Password];
        foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", string.Empty, "--appendonly", "no", "--protected-mode", "yes" }.Concat(password).Concat(_settings))
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            try
            {
                using var probe = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},connectTimeout=500");
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (!patience.IsCancellationRequested)
            {
                await Task.Delay(50, patience.Token);
            }
        }
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(patience.Token);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Freezes the server with SIGSTOP: its socket stays open and answers nothing, as a hung Redis.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    /// <summary>Lets a frozen server run again with SIGCONT.</summary>
    public Task ThawAsync() => SignalAsync("-CONT");

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await ThawAsync();
        }

        await StopAsync();
    }

    private async Task SignalAsync(string signal)
    {
        var pid = (_process ?? throw new InvalidOperationException("redis-server is not running")).Id;
        using var kill = Process.Start("kill", [signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await kill.WaitForExitAsync(patience.Token);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {pid} exited {kill.ExitCode}");
        }
    }

}

/// <summary>A test that needs a real Redis server: skipped, with the reason, where redis-server is not installed.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisServer.Executable is null)
        {
            Skip = "redis-server is not installed (apt-get install redis-server; .ci/run installs it)";
        }
    }
}
