using Microsoft.Extensions.Logging;

namespace Pan123.Cli;

/// <summary>
/// The library's token-cache warnings on standard error, as <c>pan123: warning: ...</c>: a cache file kept
/// aside (it may hold the user's authorization) or one that could not be used. Every other log entry stays
/// silent, as the tool's output is for people and scripts.
/// </summary>
internal sealed class TokenCacheWarnings(TextWriter stderr) : ILoggerProvider, ILogger
{
    private static readonly string[] Shown = ["TokenCacheSetAside", "TokenCacheFailed"];

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel) && Shown.Contains(eventId.Name))
        {
            stderr.WriteLine("pan123: warning: " + formatter(state, exception));
        }
    }

    public void Dispose()
    {
    }
}
