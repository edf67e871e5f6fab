using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Tests.Notifications.Publishing;

/// <summary>
/// A stand-in for the Service Bus REST endpoint: Kestrel on 127.0.0.1 over HTTPS with a certificate
/// made for this run, recording every request and answering with a scripted status (once the script
/// is used up: 201 to a send, and to a GET the queue's description as Service Bus returns it). HTTPS
/// because the bearer-token policy refuses plain HTTP.
/// </summary>
internal sealed class LoopbackServiceBus : IAsyncDisposable
{
    private readonly ConcurrentQueue<Reply> _script = new();
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private LoopbackWebServer _server = null!;

    private LoopbackServiceBus(X509Certificate2 certificate) => Certificate = certificate;

    public X509Certificate2 Certificate { get; }

    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>Every request in arrival order, with the status it was answered with (0 if it was left hanging).</summary>
    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    /// <summary>Checks the server applies to each request before answering; a failed check answers 400 with the reason.</summary>
    public Func<ReceivedRequest, string?>? Check { get; set; }

    public static async Task<LoopbackServiceBus> StartAsync()
    {
        var certificate = CreateCertificate();
        var server = new LoopbackServiceBus(certificate);
        server._server = await LoopbackWebServer.StartAsync(server.HandleAsync, listen => listen.UseHttps(certificate));
        return server;
    }

    /// <summary>The next requests get these replies, in order.</summary>
    public void Script(params Reply[] replies)
    {
        foreach (var reply in replies)
        {
            _script.Enqueue(reply);
        }
    }

    /// <summary>A transport that trusts exactly this server's certificate and nothing else.</summary>
    public HttpPipelineTransport CreateTransport()
    {
        var expected = Certificate.RawData;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(expected),
            },
        };
        return new HttpClientTransport(handler);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Certificate.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var received = new ReceivedRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, context.Request.QueryString.Value ?? string.Empty, headers, body.ToArray());

        var reply = _script.TryDequeue(out var scripted) ? scripted : HttpMethods.IsGet(context.Request.Method) ? Reply.QueueDescription : Reply.Created;
        var problem = Check?.Invoke(received);
        if (problem is not null)
        {
            reply = Reply.Status(400);
        }

        if (reply.Hang)
        {
            _requests.Enqueue(received with { AnsweredWith = 0 });
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, which is what a hanging reply is for.
            }

            return;
        }

        if (reply.Release is { } release)
        {
            reply.Arrived?.TrySetResult();
            try
            {
                await release.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The sender gave up while the reply was held: the message was not accepted.
                _requests.Enqueue(received with { AnsweredWith = 0 });
                return;
            }
        }

        _requests.Enqueue(received with { AnsweredWith = reply.StatusCode, Problem = problem });
        context.Response.StatusCode = reply.StatusCode;
        if (problem is null && reply.Body is { } scriptedBody)
        {
            context.Response.ContentType = reply.ContentType;
            await context.Response.WriteAsync(scriptedBody, context.RequestAborted);
        }
        else if (reply.StatusCode >= 400)
        {
            context.Response.ContentType = "application/xml; charset=utf-8";
            await context.Response.WriteAsync(
                $"<Error><Code>{reply.StatusCode}</Code><Detail>{WebUtility.HtmlEncode(problem ?? "scripted failure")}</Detail></Error>",
                context.RequestAborted);
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), password: null);
    }
}

internal sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public int AnsweredWith { get; init; }

    public string? Problem { get; init; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

internal sealed record Reply(int StatusCode, bool Hang)
{
    public static Reply Created { get; } = new(201, false);

    public static Reply Hanging { get; } = new(0, true);

    /// <summary>What Service Bus answers to <c>GET /{queue}</c> when the queue exists and the caller may read it: an Atom entry.</summary>
    public static Reply QueueDescription { get; } = WithBody(
        200,
        "<entry xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"text\">payment-notifications</title><content type=\"application/xml\">"
        + "<QueueDescription xmlns=\"http://schemas.microsoft.com/netservices/2010/10/servicebus/connect\"><RequiresDuplicateDetection>true</RequiresDuplicateDetection></QueueDescription>"
        + "</content></entry>",
        "application/atom+xml;type=entry;charset=utf-8");

    /// <summary>Answers <paramref name="statusCode"/> with exactly this body.</summary>
    public static Reply WithBody(int statusCode, string body, string contentType = "application/xml; charset=utf-8") =>
        new(statusCode, false) { Body = body, ContentType = contentType };

    /// <summary>The body to answer with, when it is not the default error document.</summary>
    public string? Body { get; init; }

    public string? ContentType { get; init; }

    public static Reply Status(int statusCode) => new(statusCode, false);

    /// <summary>
    /// Holds the request until <paramref name="release"/> completes, then answers
    /// <paramref name="statusCode"/>; a sender that gives up first is recorded as unanswered (0).
    /// </summary>
    public static Reply Held(Task release, int statusCode = 201) =>
        new(statusCode, false) { Release = release, Arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };

    /// <summary>For a held reply: what the answer waits for.</summary>
    public Task? Release { get; init; }

    /// <summary>For a held reply: completes when the request has arrived and is being held.</summary>
    public TaskCompletionSource? Arrived { get; init; }
}
