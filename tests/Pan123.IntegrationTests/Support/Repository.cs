namespace Pan123.IntegrationTests.Support;

/// <summary>The checkout the tests run from: the folder above the test output that holds the solution.</summary>
internal static class Repository
{
    public static readonly string Root = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Pan123.Generated.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Pan123.Generated.sln not found above the test output");
    }
}
