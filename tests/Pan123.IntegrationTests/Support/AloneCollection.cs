namespace Pan123.IntegrationTests.Support;

/// <summary>
/// Tests that measure an account's limit the way the platform does, to the second (the sandbox's
/// fixed one-second windows): beside the whole suite on two cores, scheduling jitter alone could push
/// a sixth call into a second, so they run alone, after the others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Timing-sensitive, alone";
}
