using QoinHub.Simulator.Conformance;

namespace QoinHub.Simulator.Queues;

/// <summary>A message as <c>queue peek</c> or <c>queue drain</c> shows it: what the queue knows of it, and its content decoded.</summary>
/// <param name="QueueMessageId">The Storage queue's own id of the message (not the envelope's <c>messageId</c>).</param>
/// <param name="InsertedOn">When the message was put on the queue.</param>
/// <param name="DequeueCount">How often a consumer has received it; peeking does not count.</param>
/// <param name="Content">The decoded content: the app's envelope, or whatever else the text is.</param>
public sealed record InspectedMessage(string QueueMessageId, DateTimeOffset? InsertedOn, long DequeueCount, PublishedMessage Content);
