using System.Runtime.CompilerServices;

namespace Pan123.IntegrationTests.Support;

/// <summary>
/// The sandbox runs inside the test host, on its thread pool, beside the tests that wait for child
/// processes and read their output. With the pool at its default minimum (one thread per core), four
/// pan123 processes at once left the sandbox's requests queued for half a second until the pool added
/// threads (seen: five download_info calls answered 0.55 s after the fleet's limiter had granted them,
/// then colliding with the next window's in one platform second). The platform does not stall like
/// that, so the test host must not either.
/// </summary>
internal static class TestHostThreads
{
    [ModuleInitializer]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(completionPorts, 32));
    }
}
