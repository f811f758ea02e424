using PublicApiGenerator;
using Shouldly;

namespace Pan123.Tests.PublicApi;

/// <summary>
/// The public surface of each library package, generated code included, against the checked-in
/// Pan123.Generated.approved.txt and Pan123.Generated.Redis.approved.txt. A contract change that
/// changes the API fails here until the new listing is reviewed and approved (CONTRIBUTING.md: "Changing the contract").
/// </summary>
public sealed class PublicApiApprovalTests
{
    [Fact]
    public void The_public_API_matches_the_approved_listing() => Approve(typeof(Pan123FilesClient).Assembly, "Pan123.Generated");

    [Fact]
    public void The_Redis_package_public_API_matches_the_approved_listing() => Approve(typeof(Pan123.Redis.Pan123RedisOptions).Assembly, "Pan123.Generated.Redis");

    private static void Approve(System.Reflection.Assembly package, string name)
    {
        var publicApi = package.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes =
            [
                "System.Runtime.Versioning.TargetFrameworkAttribute",
                "System.Reflection.AssemblyMetadataAttribute",
                "System.Runtime.CompilerServices.InternalsVisibleToAttribute",
            ],

            // The AddPan123Client extension lives in Microsoft.Extensions.DependencyInjection, which the
            // generator leaves out by default.
            DenyNamespacePrefixes = [],
        });

        // Shouldly fails when the approved file is missing or differs, on CI too, and writes
        // Pan123.Generated.received.txt beside it for review.
        publicApi.ShouldMatchApproved(options => options
            .NoDiff()
            .WithDiscriminator(name)
            .WithFilenameGenerator((_, _, fileType, extension) => $"{name}.{fileType}.{extension}"));
    }
}
