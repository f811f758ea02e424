namespace Pan123.Cli;

using Microsoft.Extensions.Logging;

/// <summary>
/// The library's log entries a user or an operator must see, on standard error as <c>pan123: warning: ...</c>
/// or <c>pan123: ...</c>: a token cache kept aside (it may hold the user's authorization) or unusable, and
/// the fleet's Redis lost and back. Every other entry stays silent, as the tool's output is for people and scripts.
/// </summary>
internal sealed class LibraryWarnings(TextWriter stderr) : ILoggerProvider, ILogger
{
    private static readonly string[] Shown = ["TokenCacheSetAside", "TokenCacheFailed", "OutageStarted", "FallingBack", "OutageEnded"];

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel) && Shown.Contains(eventId.Name))
        {
            stderr.WriteLine((logLevel >= LogLevel.Warning ? "pan123: warning: " : "pan123: ") + formatter(state, exception));
        }
    }

    public void Dispose()
    {
    }
}
