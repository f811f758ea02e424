namespace Pan123;

/// <summary>
/// One generated client, as the generator lists it (<c>Pan123GeneratedClients.All</c>, one per tag of the
/// contract) for <c>AddPan123Client</c> to register: its interface, whether its operations carry the
/// token (from their <c>security</c>), their limits (<c>x-rate-limit</c>) and how to make one.
/// </summary>
internal sealed record Pan123ClientDescriptor(
    string Tag,
    Type Interface,
    bool SendsAccessToken,
    IReadOnlyList<KeyValuePair<string, int>> RateLimits,
    Func<Pan123ClientConfiguration, HttpClient, object> Create);
