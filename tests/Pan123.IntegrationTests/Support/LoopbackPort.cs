using System.Net;
using System.Net.Sockets;

namespace Pan123.IntegrationTests.Support;

/// <summary>A loopback port that was free a moment ago: for a server a test starts, or for a connection that must be refused.</summary>
internal static class LoopbackPort
{
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
