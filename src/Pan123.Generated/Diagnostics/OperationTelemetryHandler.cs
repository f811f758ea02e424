namespace Pan123;

/// <summary>
/// The outermost handler of the platform clients: one span per operation call (<c>Pan123 &lt;operationId&gt;</c>,
/// under the caller's current activity) with the operation, file id, envelope code, x-traceID and
/// number of attempts, and one <c>pan123.requests</c> count by outcome.
/// </summary>
/// <remarks>
/// The span is Internal, as OpenTelemetry's conventions have it for a logical operation: HttpClient's
/// own Client spans below it, one per attempt, carry the HTTP attributes. A failure sets <c>error.type</c>:
/// the envelope code, the HTTP status, or the exception's type.
/// </remarks>
internal sealed class OperationTelemetryHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = OperationName.IdOf(request) ?? "unknown";
        using var activity = Pan123Telemetry.Source.StartActivity("Pan123 " + operation, System.Diagnostics.ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("pan123.operation", operation);
            if (FileIdOf(request) is { } fileId)
            {
                activity.SetTag("pan123.file_id", fileId);
            }
        }

        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var envelope = ResponseEnvelope.Of(response);
            var outcome = envelope.Code is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "http." + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Pan123Telemetry.Request(operation, outcome);
            if (activity is not null)
            {
                activity.SetTag("pan123.code", envelope.Code);
                activity.SetTag("pan123.trace_id", envelope.TraceId);
                activity.SetTag("pan123.attempts", AttemptLoggingHandler.AttemptsOf(request));
                if (envelope.Code is not 0)
                {
                    activity.SetTag("error.type", envelope.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error, outcome);
                }
            }

            return response;
        }
        catch (Exception e)
        {
            Pan123Telemetry.Request(operation, "error");
            activity?.SetTag("pan123.attempts", AttemptLoggingHandler.AttemptsOf(request));
            activity?.SetTag("error.type", e.GetType().FullName);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
    }

    // file/detail spells it fileID, download_info fileId: both are a plain number, never a secret.
    private static long? FileIdOf(HttpRequestMessage request)
    {
        var query = request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.Query : null;
        if (string.IsNullOrEmpty(query))
        {
            return null;
        }

        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && pair[..eq] is "fileId" or "fileID" && long.TryParse(pair[(eq + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                return id;
            }
        }

        return null;
    }
}
