namespace Pan123.Tests.Client;

/// <summary>What a consumer's test builds with Pan123ModelFactory is what the library would have returned.</summary>
public sealed class ModelFactoryTests
{
    [Fact]
    public void The_factory_makes_results_with_every_field_it_is_given()
    {
        var download = Pan123ModelFactory.DownloadResult(7, "a.bin", "/tmp/a.bin", size: 10, md5: "abc", resumedFrom: 4, alreadyDownloaded: true, startedOver: true);
        var failed = Pan123ModelFactory.BatchFileResult(8, "docs/b.bin", BatchFileOutcome.Failed, "/tmp/b.bin", 20, "the CDN failed", new IOException("boom"));
        var batch = Pan123ModelFactory.BatchResult([failed, Pan123ModelFactory.BatchFileResult(9, "c.bin", BatchFileOutcome.Downloaded)]);

        Assert.Equal((7L, "a.bin", "/tmp/a.bin", 10L, "abc", 4L, true, true), (download.FileId, download.FileName, download.Path, download.Size, download.Md5, download.ResumedFrom, download.AlreadyDownloaded, download.StartedOver));
        Assert.Equal((8L, "docs/b.bin", "/tmp/b.bin", 20L, BatchFileOutcome.Failed, "the CDN failed"), (failed.FileId, failed.RemotePath, failed.LocalPath, failed.Size, failed.Outcome, failed.Reason));
        Assert.IsType<IOException>(failed.Error);
        Assert.Equal((1, 1, false), (batch.Count(BatchFileOutcome.Failed), batch.Count(BatchFileOutcome.Downloaded), batch.Succeeded));
    }
}
