using Microsoft.Extensions.DependencyInjection;
using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Library;

/// <summary>The conformance check itself: it sees every operation, and it catches a sandbox answer the contract does not allow.</summary>
public sealed class ConformanceTests : SandboxTest
{
    private IPan123FilesClient Files => Services().GetRequiredService<IPan123FilesClient>();

    [Fact]
    public async Task Success_and_error_answers_of_every_operation_conform()
    {
        var files = Files;
        await files.GetFileDetailAsync(1001);
        await files.GetDownloadInfoAsync(1001);
        await files.GetFileListAsync(0, 100);
        await Services(client: o => { o.AccessToken = null; o.ClientId = SandboxPlatform.DemoClientId; o.ClientSecret = SandboxPlatform.DemoClientSecret; })
            .GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001);
        await Assert.ThrowsAsync<Pan123ApiException>(() => files.GetFileDetailAsync(424242));
        Sandbox.Faults.AnswerNextApiCalls(1, 5113, path: "/api/v1/file/download_info");
        await Assert.ThrowsAsync<Pan123ApiException>(() => files.GetDownloadInfoAsync(1001));

        var checkedAnswers = Sandbox.Answers.Where(ContractConformance.IsChecked).Select(a => a.Path).Distinct().ToList();
        Assert.Equal(["/api/v1/access_token", "/api/v1/file/detail", "/api/v1/file/download_info", "/api/v2/file/list"], checkedAnswers.Order());
        Assert.Empty(await ContractConformance.ViolationsAsync(Sandbox.Answers));
    }

    [Fact]
    public async Task A_misshapen_answer_is_caught()
    {
        Sandbox.Faults.MisshapeNextApiAnswers(1);

        await Assert.ThrowsAsync<Pan123ProtocolException>(() => Files.GetFileDetailAsync(1001));

        var violation = Assert.Single(await ContractConformance.ViolationsAsync(Sandbox.Answers));
        Assert.Contains("GET /api/v1/file/detail", violation, StringComparison.Ordinal);
        Assert.Contains("fileID", violation, StringComparison.Ordinal);
        Sandbox.ClearRequests(); // caught as it should be: not a failure of this test's clean-up
    }

    [Fact]
    public async Task An_error_code_the_operation_does_not_list_is_caught()
    {
        Sandbox.Faults.AnswerNextApiCalls(1, 5113, path: "/api/v1/file/detail");

        await Assert.ThrowsAsync<Pan123ApiException>(() => Files.GetFileDetailAsync(1001));

        var violation = Assert.Single(await ContractConformance.ViolationsAsync(Sandbox.Answers));
        Assert.Contains("code 5113 is not among the operation's x-error-codes", violation, StringComparison.Ordinal);
        Sandbox.ClearRequests();
    }

    [Fact]
    public async Task Deliberate_faults_are_left_out_by_the_one_list()
    {
        Sandbox.Faults.FailNextApiCalls(1, 503);

        await Files.GetFileDetailAsync(1001);

        Assert.Contains(Sandbox.Answers, a => a.InjectedFault && a.Status == 503);
        Assert.Empty(await ContractConformance.ViolationsAsync(Sandbox.Answers));
    }
}
