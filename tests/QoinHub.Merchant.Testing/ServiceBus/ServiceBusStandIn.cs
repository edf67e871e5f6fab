using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Amqp;
using Amqp.Framing;
using Amqp.Handler;
using Amqp.Listener;
using Amqp.Sasl;
using Amqp.Types;

namespace QoinHub.Merchant.Testing.ServiceBus;

/// <summary>
/// A Service Bus stand-in for tests: an AMQP 1.0 broker on 127.0.0.1 that the
/// Azure.Messaging.ServiceBus SDK talks to as it talks to Service Bus. It offers SASL
/// <c>MSSBCBS</c>, answers <c>put-token</c> on the <c>$cbs</c> node (checking SAS signatures and,
/// over TLS, bearer tokens), accepts sender links to <c>/&lt;queue&gt;</c> with a max-message-size,
/// unpacks batches, hands messages to receivers in peek-lock (complete, abandon, dead-letter,
/// delivery count, lock expiry) with a dead-letter sub-queue, applies duplicate detection by
/// MessageId when switched on, and plays scripted faults. Plain AMQP is reached with a
/// <c>UseDevelopmentEmulator=true</c> connection string (<see cref="ConnectionString"/>); with a
/// certificate it speaks AMQP over TLS for the token-credential path
/// (<see cref="CustomEndpointAddress"/>).
/// </summary>
public sealed class ServiceBusStandIn : IAsyncDisposable
{
    /// <summary>The key name of <see cref="ConnectionString"/>.</summary>
    public const string SharedAccessKeyName = "RootManageSharedAccessKey";

    /// <summary>The key of <see cref="ConnectionString"/>; SAS tokens must be signed with it.</summary>
    public const string SharedAccessKey = "c3RhbmQtaW4ta2V5LWZvci1sb29wYmFjay10ZXN0cy1vbmx5";

    /// <summary>What Service Bus Standard advertises: 256 KiB.</summary>
    public const int DefaultMaxMessageSize = 256 * 1024;

    /// <summary>The message format of a batch delivery: each data section is one encoded message.</summary>
    private const uint BatchFormat = 0x80013700;

    private const string SasTokenType = "servicebus.windows.net:sastoken";
    private const string JwtTokenType = "jwt";
    private static readonly Symbol LockTokenAnnotation = new("x-opt-lock-token");
    private const string DeadLetterCondition = "com.microsoft:dead-letter";

    private readonly ContainerHost _host;
    private readonly ConcurrentDictionary<string, StandInEntity> _queues = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<StandInFault> _script = new();
    private readonly ConcurrentQueue<StandInSend> _sends = new();
    private readonly ConcurrentQueue<TokenRequest> _tokens = new();
    private readonly ConcurrentDictionary<Connection, ConnectionGrants> _connections = new();
    private readonly ConditionalWeakTable<Connection, ConnectionGrants> _grants = [];
    private readonly Timer _lockTimer;
    private int _connectionsOpened;
    private int _unauthorizedAttaches;

    private ServiceBusStandIn(ContainerHost host, int port, bool tls)
    {
        _host = host;
        Port = port;
        UsesTls = tls;
        _lockTimer = new Timer(_ => ExpireLocks(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    public int Port { get; }

    /// <summary>True when the broker speaks AMQP over TLS (started with a certificate).</summary>
    public bool UsesTls { get; }

    /// <summary>
    /// A connection string for the SDK: plain AMQP to this port (<c>UseDevelopmentEmulator=true</c>),
    /// signed with <see cref="SharedAccessKey"/>. Only for a broker without TLS.
    /// </summary>
    public string ConnectionString => UsesTls
        ? throw new InvalidOperationException("A broker with TLS is reached with a token credential and CustomEndpointAddress, not a connection string.")
        : $"Endpoint=sb://127.0.0.1:{Port};SharedAccessKeyName={SharedAccessKeyName};SharedAccessKey={SharedAccessKey};UseDevelopmentEmulator=true";

    /// <summary>
    /// <see cref="ConnectionString"/> with another port: the way to reach this broker through a
    /// <see cref="TcpOutageProxy"/> listening on <paramref name="port"/>.
    /// </summary>
    public string ConnectionStringThrough(int port) =>
        ConnectionString.Replace($"sb://127.0.0.1:{Port};", $"sb://127.0.0.1:{port};", StringComparison.Ordinal);

    /// <summary>For <c>ServiceBusClientOptions.CustomEndpointAddress</c>: where the SDK connects instead of the namespace on 5671.</summary>
    public Uri CustomEndpointAddress => new($"sb://127.0.0.1:{Port}");

    /// <summary>Duplicate detection: a MessageId seen within this window is accepted and dropped. Null (the default) switches it off.</summary>
    public TimeSpan? DuplicateDetectionWindow { get; set; }

    /// <summary>How long a receiver's lock lasts (30 s, the Service Bus default).</summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries after which an unsettled message is dead-lettered (10, the Service Bus default).</summary>
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>The max-message-size the broker's attach advertises.</summary>
    public int MaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>The clock of locks and duplicate detection.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>A fault played on every delivery while set (after the scripted ones are used up).</summary>
    public StandInFault? EveryDelivery { get; set; }

    /// <summary>While set, every <c>put-token</c> is refused with 401.</summary>
    public bool RefuseTokens { get; set; }

    /// <summary>The only bearer token (type <c>jwt</c>) accepted; null refuses every bearer token.</summary>
    public string? AcceptedBearerToken { get; set; }

    /// <summary>Every message that arrived on a sender link, in arrival order, with what became of it.</summary>
    public IReadOnlyList<StandInSend> Sends => [.. _sends];

    /// <summary>Every <c>put-token</c> request, in arrival order.</summary>
    public IReadOnlyList<TokenRequest> TokenRequests => [.. _tokens];

    /// <summary>Connections opened so far.</summary>
    public int ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    /// <summary>Links refused because the connection held no accepted token for their entity.</summary>
    public int UnauthorizedAttaches => Volatile.Read(ref _unauthorizedAttaches);

    /// <summary>Starts a broker on a free loopback port, plain AMQP unless a certificate is given (then AMQP over TLS).</summary>
    public static ServiceBusStandIn Start(X509Certificate2? certificate = null, params string[] queues)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var address = new Address($"{(certificate is null ? "amqp" : "amqps")}://127.0.0.1:{port}");
            var host = certificate is null ? new ContainerHost(address) : new ContainerHost([address], certificate);
            ServiceBusStandIn? broker = null;
            try
            {
                broker = new ServiceBusStandIn(host, port, certificate is not null);
                broker.Configure();
                host.Open();
                foreach (var queue in queues)
                {
                    broker.CreateQueue(queue);
                }

                return broker;
            }
            catch (SocketException) when (attempt < 5)
            {
                // Another process took the port between the probe and the bind.
                broker?._lockTimer.Dispose();
                host.Close();
            }
        }
    }

    /// <summary>Creates the queue (and its dead-letter sub-queue); returns it if it exists.</summary>
    public StandInEntity CreateQueue(string name) => _queues.GetOrAdd(name, n => new StandInEntity(this, n));

    /// <summary>The queue of that name.</summary>
    public StandInEntity Queue(string name) =>
        _queues.TryGetValue(name, out var queue) ? queue : throw new InvalidOperationException($"The stand-in has no queue '{name}'.");

    /// <summary>Deletes the queue: links to it are refused with <c>amqp:not-found</c> from now on.</summary>
    public void DeleteQueue(string name) => _queues.TryRemove(name, out _);

    /// <summary>The next deliveries get these faults, one each, in order.</summary>
    public void Script(params StandInFault[] faults)
    {
        foreach (var fault in faults)
        {
            _script.Enqueue(fault);
        }
    }

    /// <summary>Closes every open connection with <c>amqp:connection:forced</c>, as a broker restart would.</summary>
    public void DropConnections()
    {
        foreach (var connection in _connections.Keys)
        {
            Drop(connection);
        }
    }

    public ValueTask DisposeAsync()
    {
        _lockTimer.Dispose();
        foreach (var connection in _connections.Keys)
        {
            Drop(connection);
        }

        _host.Close();
        return ValueTask.CompletedTask;
    }

    private void Configure()
    {
        foreach (var listener in _host.Listeners)
        {
            listener.SASL.EnableMechanism(new Symbol("MSSBCBS"), new CbsSaslProfile());
            listener.HandlerFactory = _ => new DeliveryTagHandler(this);
        }

        _host.RegisterRequestProcessor("$cbs", new CbsProcessor(this));
        _host.RegisterLinkProcessor(new EntityLinkProcessor(this));
    }

    private void OnConnectionOpened(Connection connection)
    {
        Interlocked.Increment(ref _connectionsOpened);
        var grants = _grants.GetValue(connection, _ => new ConnectionGrants());
        _connections.TryAdd(connection, grants);
        connection.AddClosedCallback((sender, _) => _connections.TryRemove((Connection)sender, out ConnectionGrants? _));
    }

    private ConnectionGrants GrantsOf(Connection connection) => _grants.GetValue(connection, _ => new ConnectionGrants());

    private static void Drop(Connection connection) =>
        _ = Task.Run(() =>
        {
            try
            {
                connection.Close(TimeSpan.Zero, new Error(ErrorCode.ConnectionForced) { Description = "The stand-in dropped the connection." });
            }
            catch (AmqpException)
            {
                // Already closing.
            }
        });

    private void ExpireLocks()
    {
        foreach (var queue in _queues.Values)
        {
            queue.ExpireLocks();
        }
    }

    private StandInFault? NextFault() => _script.TryDequeue(out var fault) ? fault : EveryDelivery;

    /// <summary>Handles a <c>put-token</c>: checks the token and, when it is good, grants its audience to the connection.</summary>
    private Message PutToken(Connection connection, Message request)
    {
        var properties = request.ApplicationProperties;
        var type = properties?["type"] as string;
        var audience = properties?["name"] as string;
        var token = request.Body as string;
        string? reason = null;
        if (RefuseTokens)
        {
            reason = "refused by the test's script";
        }
        else if (type == SasTokenType)
        {
            reason = CheckSas(token, audience);
        }
        else if (type == JwtTokenType)
        {
            reason = AcceptedBearerToken is not null && string.Equals(token, AcceptedBearerToken, StringComparison.Ordinal) ? null : "unknown bearer token";
        }
        else
        {
            reason = $"unsupported token type '{type}'";
        }

        var status = reason is null ? 200 : 401;
        _tokens.Enqueue(new TokenRequest(type, audience, status, reason) { Token = token });
        if (reason is null && audience is not null)
        {
            GrantsOf(connection).Grant(EntityPathOf(audience));
        }

        var response = new Message
        {
            ApplicationProperties = new ApplicationProperties(),
        };
        response.ApplicationProperties["status-code"] = status;
        response.ApplicationProperties["status-description"] = reason ?? "OK";
        return response;
    }

    /// <summary>Null when the token is a SAS signed with <see cref="SharedAccessKey"/> for the audience and not expired; the reason otherwise.</summary>
    private string? CheckSas(string? token, string? audience)
    {
        const string Prefix = "SharedAccessSignature ";
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return "not a shared access signature";
        }

        var fields = token[Prefix.Length..].Split('&')
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("sr", out var resource) || !fields.TryGetValue("sig", out var signature)
            || !fields.TryGetValue("se", out var expiry) || !fields.TryGetValue("skn", out var keyName))
        {
            return "a field of the signature is missing";
        }

        if (keyName != SharedAccessKeyName)
        {
            return "unknown key name";
        }

        if (!long.TryParse(expiry, out var expirySeconds) || DateTimeOffset.FromUnixTimeSeconds(expirySeconds) < Clock.GetUtcNow())
        {
            return "expired token";
        }

        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(SharedAccessKey));
        var expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(resource + "\n" + expiry)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(WebUtility.UrlDecode(signature))))
        {
            return "invalid signature";
        }

        var signedFor = EntityPathOf(WebUtility.UrlDecode(resource));
        return audience is null || signedFor.Length == 0 || EntityPathOf(audience).StartsWith(signedFor, StringComparison.OrdinalIgnoreCase)
            ? null
            : "the token was signed for another entity";
    }

    /// <summary>The entity path of an address or audience: <c>amqp://host/queue</c>, <c>/queue</c> and <c>queue</c> all give <c>queue</c>.</summary>
    private static string EntityPathOf(string address)
    {
        var path = Uri.TryCreate(address, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host) ? uri.AbsolutePath : address;
        return path.Trim('/');
    }

    private void Receive(MessageContext context, StandInEntity queue)
    {
        var delivery = context.Message;
        var batched = delivery.Format == BatchFormat;
        var messages = batched ? Unpack(delivery) : [ToStandIn(delivery)];
        var fault = NextFault();
        var connection = context.Link.Session.Connection;
        switch (fault?.Name)
        {
            case null:
                Accept(queue, messages, batched, SendOutcome.Accepted);
                context.Complete();
                break;
            case "server-busy" or "internal-error" or "not-found":
                Record(queue, messages, batched, SendOutcome.Rejected, fault.Condition);
                context.Complete(new Error(new Symbol(fault.Condition!)) { Description = $"The stand-in played {fault.Name}." });
                break;
            case "never-settle":
                Record(queue, messages, batched, SendOutcome.NeverSettled, null);
                break;
            case "drop-connection":
                Record(queue, messages, batched, SendOutcome.Dropped, null);
                Drop(connection);
                break;
            case "accept-then-drop":
                Accept(queue, messages, batched, SendOutcome.AcceptedAnswerLost);
                Drop(connection);
                break;
            case "hold":
                _ = HoldAsync(context, queue, messages, batched, fault, connection);
                break;
            default:
                throw new InvalidOperationException($"Unknown fault {fault.Name}.");
        }
    }

    private async Task HoldAsync(MessageContext context, StandInEntity queue, List<StandInMessage> messages, bool batched, StandInFault fault, Connection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.AddClosedCallback((_, _) => closed.TrySetResult());
        fault.Arrived.TrySetResult();
        if (await Task.WhenAny(fault.Release!, closed.Task).ConfigureAwait(false) == closed.Task || connection.IsClosed)
        {
            Record(queue, messages, batched, SendOutcome.Dropped, null);
            return;
        }

        Accept(queue, messages, batched, SendOutcome.Accepted);
        context.Complete();
    }

    private void Accept(StandInEntity queue, List<StandInMessage> messages, bool batched, SendOutcome outcome)
    {
        foreach (var message in messages)
        {
            var enqueued = queue.TryEnqueue(message, out _);
            _sends.Enqueue(new StandInSend(queue.Name, message, enqueued ? outcome : SendOutcome.DuplicateDropped, null, batched));
        }
    }

    private void Record(StandInEntity queue, List<StandInMessage> messages, bool batched, SendOutcome outcome, string? condition)
    {
        foreach (var message in messages)
        {
            _sends.Enqueue(new StandInSend(queue.Name, message, outcome, condition, batched));
        }
    }

    private static List<StandInMessage> Unpack(Message batch)
    {
        var sections = batch.BodySection switch
        {
            DataList list => Enumerable.Range(0, list.Count).Select(i => list[i]).ToList(),
            Data data => [data],
            _ => throw new InvalidOperationException("A batch delivery must carry data sections."),
        };
        return [.. sections.Select(section => ToStandIn(Message.Decode(new ByteBuffer(section.Binary, 0, section.Binary.Length, section.Binary.Length))))];
    }

    private static StandInMessage ToStandIn(Message message)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (message.ApplicationProperties is { } application)
        {
            foreach (var key in application.Map.Keys)
            {
                properties[key.ToString()!] = application.Map[key];
            }
        }

        return new StandInMessage
        {
            MessageId = message.Properties?.MessageId,
            ContentType = message.Properties?.ContentType?.ToString(),
            Subject = message.Properties?.Subject,
            CorrelationId = message.Properties?.CorrelationId,
            ApplicationProperties = properties,
            Body = BodyOf(message),
        };
    }

    private static byte[] BodyOf(Message message) => message.BodySection switch
    {
        Data data => data.Binary,
        DataList list => [.. Enumerable.Range(0, list.Count).SelectMany(i => list[i].Binary)],
        AmqpValue { Value: string text } => Encoding.UTF8.GetBytes(text),
        AmqpValue { Value: byte[] bytes } => bytes,
        null => [],
        _ => throw new InvalidOperationException($"Unsupported body section {message.BodySection.GetType().Name}."),
    };

    /// <summary>The AMQP message a receiver gets for a locked entry.</summary>
    private static Message ToAmqp(StandInEntry entry, bool deadLetter)
    {
        var message = new Message
        {
            Header = new Header { DeliveryCount = (uint)Math.Max(0, entry.DeliveryCount - 1), Durable = true },
            Properties = new Properties
            {
                MessageId = entry.Message.MessageId,
                ContentType = entry.Message.ContentType is null ? null : new Symbol(entry.Message.ContentType),
                Subject = entry.Message.Subject,
                CorrelationId = entry.Message.CorrelationId,
            },
            ApplicationProperties = new ApplicationProperties(),
            MessageAnnotations = new MessageAnnotations(),
            BodySection = new Data { Binary = entry.Message.Body },
        };
        foreach (var (key, value) in entry.Message.ApplicationProperties)
        {
            message.ApplicationProperties[key] = value;
        }

        if (deadLetter)
        {
            message.ApplicationProperties["DeadLetterReason"] = entry.DeadLetterReason;
            message.ApplicationProperties["DeadLetterErrorDescription"] = entry.DeadLetterDescription;
        }

        message.MessageAnnotations[new Symbol("x-opt-sequence-number")] = entry.SequenceNumber;
        message.MessageAnnotations[new Symbol("x-opt-enqueued-time")] = entry.EnqueuedTime.UtcDateTime;
        message.MessageAnnotations[new Symbol("x-opt-locked-until")] = entry.LockedUntil.UtcDateTime;
        message.MessageAnnotations[LockTokenAnnotation] = entry.LockToken!.Value;
        return message;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The entities a connection holds a token for.</summary>
    private sealed class ConnectionGrants
    {
        private readonly ConcurrentDictionary<string, bool> _entities = new(StringComparer.OrdinalIgnoreCase);

        public void Grant(string entityPath) => _entities[entityPath] = true;

        /// <summary>A token for the namespace (empty path) or for the entity or a parent of it.</summary>
        public bool Allows(string entityPath) =>
            _entities.Keys.Any(granted => granted.Length == 0
                || string.Equals(granted, entityPath, StringComparison.OrdinalIgnoreCase)
                || entityPath.StartsWith(granted + "/", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>SASL <c>MSSBCBS</c>: the client authenticates afterwards, with tokens on <c>$cbs</c>.</summary>
    private sealed class CbsSaslProfile() : SaslProfile(new Symbol("MSSBCBS"))
    {
        protected override ITransport UpgradeTransport(ITransport transport) => transport;

        protected override DescribedList GetStartCommand(string hostname) =>
            throw new InvalidOperationException("The stand-in only answers SASL.");

        protected override DescribedList OnCommand(DescribedList command) => command switch
        {
            SaslInit => new SaslOutcome { Code = SaslCode.Ok },
            _ => throw new AmqpException(ErrorCode.NotAllowed, command.ToString()),
        };
    }

    /// <summary>The <c>$cbs</c> node: <c>put-token</c> requests.</summary>
    private sealed class CbsProcessor(ServiceBusStandIn broker) : IRequestProcessor
    {
        public int Credit => 100;

        public void Process(RequestContext requestContext)
        {
            var connection = requestContext.Link.Session.Connection;
            var operation = requestContext.Message.ApplicationProperties?["operation"] as string;
            if (operation != "put-token")
            {
                var refusal = new Message { ApplicationProperties = new ApplicationProperties() };
                refusal.ApplicationProperties["status-code"] = 501;
                refusal.ApplicationProperties["status-description"] = $"operation '{operation}' is not implemented";
                requestContext.Complete(refusal);
                return;
            }

            requestContext.Complete(broker.PutToken(connection, requestContext.Message));
        }
    }

    /// <summary>Attaches links to queues and dead-letter sub-queues once the connection holds a token for them.</summary>
    private sealed class EntityLinkProcessor(ServiceBusStandIn broker) : ILinkProcessor
    {
        public void Process(AttachContext attachContext)
        {
            var attach = attachContext.Attach;
            var clientReceives = attach.Role;
            var address = clientReceives ? (attach.Source as Source)?.Address : (attach.Target as Target)?.Address;
            var path = EntityPathOf(address ?? string.Empty);
            var connection = attachContext.Link.Session.Connection;
            if (!broker.GrantsOf(connection).Allows(path))
            {
                Interlocked.Increment(ref broker._unauthorizedAttaches);
                attachContext.Complete(new Error(ErrorCode.UnauthorizedAccess) { Description = $"No token was put for '{path}' on this connection." });
                return;
            }

            const string DeadLetterSuffix = "/$deadletterqueue";
            var deadLetter = path.EndsWith(DeadLetterSuffix, StringComparison.OrdinalIgnoreCase);
            var queueName = deadLetter ? path[..^DeadLetterSuffix.Length] : path;
            if (queueName.Contains('/', StringComparison.Ordinal) || !broker._queues.TryGetValue(queueName, out var queue))
            {
                attachContext.Complete(new Error(ErrorCode.NotFound) { Description = $"The messaging entity '{path}' could not be found." });
                return;
            }

            attach.MaxMessageSize = (ulong)broker.MaxMessageSize;
            if (clientReceives)
            {
                attachContext.Complete(new OutgoingEndpoint(broker, queue, deadLetter, attachContext.Link), 0);
            }
            else if (deadLetter)
            {
                attachContext.Complete(new Error(ErrorCode.NotAllowed) { Description = "A dead-letter sub-queue cannot be sent to." });
            }
            else
            {
                attachContext.Complete(new IncomingEndpoint(broker, queue), 300);
            }
        }
    }

    /// <summary>A client's sender link: the broker takes messages.</summary>
    private sealed class IncomingEndpoint(ServiceBusStandIn broker, StandInEntity queue) : LinkEndpoint
    {
        public override void OnMessage(MessageContext messageContext) => broker.Receive(messageContext, queue);

        public override void OnFlow(FlowContext flowContext)
        {
        }

        public override void OnDisposition(DispositionContext dispositionContext)
        {
        }
    }

    /// <summary>A client's receiver link: the broker hands out locked messages as credit allows.</summary>
    private sealed class OutgoingEndpoint : LinkEndpoint
    {
        private readonly ServiceBusStandIn _broker;
        private readonly StandInEntity _queue;
        private readonly bool _deadLetter;
        private readonly ListenerLink _link;
        private readonly Lock _gate = new();
        private int _credit;

        public OutgoingEndpoint(ServiceBusStandIn broker, StandInEntity queue, bool deadLetter, ListenerLink link)
        {
            _broker = broker;
            _queue = queue;
            _deadLetter = deadLetter;
            _link = link;
            _queue.MessageAvailable += Pump;
        }

        public override void OnFlow(FlowContext flowContext)
        {
            lock (_gate)
            {
                // Messages is the change of the link's credit (the peer's new limit less the old one), as
                // AMQPNetLite counts it: credit granted adds to what is left; a flow that grants nothing
                // more (a drain, a reduction) leaves none, as the link itself then holds none.
                _credit = flowContext.Messages > 0 ? _credit + flowContext.Messages : 0;
            }

            Pump();
        }

        public override void OnDisposition(DispositionContext dispositionContext)
        {
            var message = dispositionContext.Message;
            if (message.MessageAnnotations?[LockTokenAnnotation] is not Guid lockToken)
            {
                dispositionContext.Link.DisposeMessage(message, dispositionContext.DeliveryState, true);
                return;
            }

            var link = dispositionContext.Link;
            if (link.IsClosed || link.Session.IsClosed || link.Session.Connection.IsClosed)
            {
                // Not the client's answer: AMQPNetLite gives back the deliveries it could not finish once
                // the link, its session or the connection had closed (a dropped connection), as Released
                // or as Rejected with the closing error. The receiver is gone and never settled it: the
                // message is available again, and this delivery does not count (a Rejected here must not
                // dead-letter it).
                _queue.Settle(lockToken, Settlement.Release);
                return;
            }

            var settled = dispositionContext.DeliveryState switch
            {
                Accepted => _queue.Settle(lockToken, Settlement.Complete),
                Rejected { Error: { } error } when error.Condition?.ToString() == DeadLetterCondition =>
                    _queue.Settle(lockToken, Settlement.DeadLetter, error.Info?[new Symbol("DeadLetterReason")] as string, error.Info?[new Symbol("DeadLetterErrorDescription")] as string),
                Rejected => _queue.Settle(lockToken, Settlement.DeadLetter, "rejected", null),
                Released => _queue.Settle(lockToken, Settlement.Release),
                _ => _queue.Settle(lockToken, Settlement.Abandon),
            };
            // Service Bus acknowledges every settlement it carried out with Accepted (the SDK treats a Rejected answer as a failure).
            DeliveryState answer = settled
                ? new Accepted()
                : new Rejected { Error = new Error(new Symbol("com.microsoft:message-lock-lost")) { Description = "The lock supplied is invalid: it expired or the message was settled." } };
            dispositionContext.Link.DisposeMessage(message, answer, true);
        }

        public override void OnLinkClosed(ListenerLink link, Error error)
        {
            _queue.MessageAvailable -= Pump;
        }

        private void Pump()
        {
            lock (_gate)
            {
                if (_link.IsClosed)
                {
                    return;
                }

                while (_credit > 0)
                {
                    var entry = _queue.LockNext(_deadLetter);
                    if (entry is null)
                    {
                        break;
                    }

                    _credit--;
                    var message = ToAmqp(entry, _deadLetter);
                    _link.SendMessage(message);
                    if (_link.SettleOnSend)
                    {
                        // Receive-and-delete: the message is gone once sent.
                        _queue.Settle(entry.LockToken!.Value, Settlement.Complete);
                    }
                }

                if (_link.IsDraining)
                {
                    // A drain is always answered with a flow, credit left or not: the SDK's receiver
                    // waits for that flow when it closes its link (and would time out after a minute).
                    _credit = 0;
                    _link.CompleteDrain();
                }
            }
        }
    }

    /// <summary>Counts connections and gives each delivery to a receiver its lock token as delivery tag, as Service Bus does.</summary>
    private sealed class DeliveryTagHandler(ServiceBusStandIn broker) : IHandler
    {
        public bool CanHandle(EventId id) => id is EventId.SendDelivery or EventId.ConnectionRemoteOpen;

        public void Handle(Event protocolEvent)
        {
            if (protocolEvent.Id == EventId.ConnectionRemoteOpen)
            {
                broker.OnConnectionOpened(protocolEvent.Connection);
                return;
            }

            if (protocolEvent.Context is IDelivery delivery && delivery.Message?.MessageAnnotations?[LockTokenAnnotation] is Guid lockToken)
            {
                delivery.Tag = lockToken.ToByteArray();
            }
        }
    }
}
