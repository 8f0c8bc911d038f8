using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace TypedKafka.Kafka.Native;

/// <summary>
/// Takes messages from the consumer's queue in batches with <c>rd_kafka_consume_batch_queue</c>, on the
/// handle of Confluent's client, and hands out each one's key, value and headers as spans over
/// librdkafka's buffers: the engine copies them once, and no managed object is made per message.
/// </summary>
/// <remarks>
/// The batch call serves the queue as Confluent's <c>Consume</c> does (librdkafka 2.x,
/// <c>rd_kafka_q_serve_rkmessages</c>): rebalance, error, log and statistics callbacks run inside it,
/// on this thread; ops outdated by a pause, seek or assignment are dropped; each message returned
/// moves its partition's application position past it, so <c>Position</c>, commits of stored offsets
/// and the resume after a pause continue after the last message taken. Partition ends and consume
/// errors come back as messages with an error code, in order with the data.
/// A message is destroyed when the next one is taken, or at <see cref="Dispose"/>.
/// Taking ahead has one consequence the plain path does not have: messages of a partition paused after
/// they were taken (the client would have dropped them from its queue and fetched them again after the
/// resume) are parked here, and handed out after the resume, before anything newer of that partition.
/// </remarks>
internal sealed unsafe class NativeIntake : IMessageIntake
{
    // Large enough that the call's fixed cost (a lock, a clock read, the app-poll bookkeeping) is spread
    // thin; each message is destroyed as soon as the next is taken, so the size holds no memory.
    private const int BatchCapacity = 1024;

    private static readonly PropertyInfo? s_handleProperty = typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic);

    private readonly IConsumer<StagedBytes, StagedBytes> _consumer;
    private readonly SafeHandle _handle;
    private readonly nint _client;
    private readonly nint _queue;
    private readonly FieldInfo _handlerException;
    private readonly bool _includeHeaders;
    private readonly bool _resolveTopics;
    private readonly LibRdKafka.Message** _batch;
    private readonly ParkedMessages<nint> _parked;
    private (byte[] Utf8, string Name)[] _topics = [];
    private byte[] _headerScratch = [];
    private LibRdKafka.Message* _current;
    private int _count;
    private int _next;
    private bool _disposed;

    private NativeIntake(IConsumer<StagedBytes, StagedBytes> consumer, SafeHandle handle, nint client, nint queue, FieldInfo handlerException, bool includeHeaders, bool resolveTopics)
    {
        _consumer = consumer;
        _handle = handle;
        _client = client;
        _queue = queue;
        _handlerException = handlerException;
        _includeHeaders = includeHeaders;
        _resolveTopics = resolveTopics;
        _batch = (LibRdKafka.Message**)NativeMemory.Alloc(BatchCapacity, (nuint)sizeof(nint));
        _parked = new ParkedMessages<nint>(PartitionOf);
    }

    public string Name => "native";

    /// <summary>
    /// Binds to <paramref name="consumer"/>'s librdkafka handle, or says why it cannot (then the plain
    /// path is used): Confluent.Kafka's internals are reached by reflection, and any of them missing,
    /// another copy of librdkafka, or a handle the loaded library does not know, is a reason.
    /// </summary>
    /// <param name="consumer">The client; it stays Confluent's for everything but taking messages.</param>
    /// <param name="includeHeaders">Each message's headers are read into <see cref="IntakeRecord.HeaderBlock"/>.</param>
    /// <param name="resolveTopics">The consumer reads several topics: each message's topic is named.</param>
    /// <param name="failure">Why the intake could not bind, when it returns null.</param>
    public static IMessageIntake? TryCreate(IConsumer<StagedBytes, StagedBytes> consumer, bool includeHeaders, bool resolveTopics, out string? failure)
    {
        failure = NativeLibraryBinding.Failure;
        if (failure is not null)
        {
            return null;
        }

        // Confluent stores exceptions thrown inside its callbacks there and throws them from the next Consume; this intake must do the same.
        var handlerException = consumer.GetType().GetField("handlerException", BindingFlags.Instance | BindingFlags.NonPublic);
        if (s_handleProperty?.GetValue(consumer.Handle) is not SafeHandle handle || handlerException?.FieldType != typeof(Exception))
        {
            failure = $"Confluent.Kafka {typeof(Handle).Assembly.GetName().Version} has no Handle.LibrdkafkaHandle or Consumer.handlerException to bind to";
            return null;
        }

        var added = false;
        try
        {
            // Held until Dispose, so that the client cannot be destroyed under a batch call.
            handle.DangerousAddRef(ref added);
            var client = handle.DangerousGetHandle();
            if (LibRdKafka.String(LibRdKafka.Name(client)) != consumer.Name)
            {
                failure = $"the client handle does not name itself '{consumer.Name}' in the loaded librdkafka";
                return null;
            }

            var queue = LibRdKafka.QueueGetConsumer(client);
            if (queue == 0)
            {
                failure = "the client has no consumer queue (no group.id)";
                return null;
            }

            var intake = new NativeIntake(consumer, handle, client, queue, handlerException, includeHeaders, resolveTopics);
            added = false;
            return intake;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    public bool TryTake(int timeoutMs, out IntakeRecord record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        DestroyCurrent();
        while (true)
        {
            LibRdKafka.Message* message;
            if (_parked.TryTakeResumed(out var resumed))
            {
                message = (LibRdKafka.Message*)resumed;
            }
            else if (_next < _count)
            {
                message = _batch[_next++];
            }
            else if (Fill(timeoutMs))
            {
                continue;
            }
            else
            {
                record = default;
                return false;
            }

            var topic = _resolveTopics || message->Err != 0 ? TopicOf(message->Topic) : null;
            if (_parked.TryPark((nint)message))
            {
                continue;
            }

            _current = message;
            if (message->Err == LibRdKafka.PartitionEof)
            {
                record = new IntakeRecord { IsPartitionEof = true, Topic = topic, Partition = message->Partition, Offset = message->Offset };
                return true;
            }

            if (message->Err != 0)
            {
                var error = ErrorOf(message, topic);
                DestroyCurrent();
                throw error;
            }

            record = Record(message, topic);
            return true;
        }
    }

    public void Pause(IEnumerable<TopicPartition> partitions)
    {
        var list = partitions as IReadOnlyCollection<TopicPartition> ?? [.. partitions];
        _consumer.Pause(list);
        foreach (var partition in list)
        {
            _parked.Pause(KeyOf(partition));
        }
    }

    public void Resume(IEnumerable<TopicPartition> partitions)
    {
        var list = partitions as IReadOnlyCollection<TopicPartition> ?? [.. partitions];
        _consumer.Resume(list);
        foreach (var partition in list)
        {
            _parked.Resume(KeyOf(partition));
        }
    }

    public void PartitionsChanged(Func<string?, int, bool> held) => _parked.Retain(held, Destroy);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DestroyCurrent();
        while (_next < _count)
        {
            LibRdKafka.MessageDestroy(_batch[_next++]);
        }

        _parked.Clear(Destroy);
        LibRdKafka.QueueDestroy(_queue);
        NativeMemory.Free(_batch);
        _handle.DangerousRelease();
    }

    /// <summary>
    /// Takes the next batch. Without a timeout, what is queued, up to the capacity; with one, a single
    /// message: the batch call waits out its whole timeout for a full array, and a waiting poll must
    /// return as soon as something comes.
    /// </summary>
    private bool Fill(int timeoutMs)
    {
        var taken = (long)LibRdKafka.ConsumeBatchQueue(_queue, timeoutMs, _batch, timeoutMs == 0 ? BatchCapacity : 1u);
        _count = (int)Math.Max(taken, 0);
        _next = 0;
        if (_handlerException.GetValue(_consumer) is Exception thrown)
        {
            // As Confluent's Consume does: an exception from a rebalance or statistics handler surfaces from the call that served it.
            _handlerException.SetValue(_consumer, null);
            ExceptionDispatchInfo.Throw(thrown);
        }

        return _count > 0;
    }

    private IntakeRecord Record(LibRdKafka.Message* message, string? topic)
    {
        int timestampType;
        var timestamp = LibRdKafka.MessageTimestamp(message, &timestampType);
        return new IntakeRecord
        {
            Topic = topic,
            Partition = message->Partition,
            Offset = message->Offset,
            TimestampType = (TimestampType)timestampType,
            TimestampMs = timestamp,
            Key = LibRdKafka.Bytes(message->Key, message->KeyLength),
            KeyIsNull = message->Key is null,
            Value = LibRdKafka.Bytes(message->Payload, message->Length),
            ValueIsNull = message->Payload is null,
            HeaderBlock = _includeHeaders ? Headers(message) : default,
        };
    }

    /// <summary>The message's headers in <see cref="HeaderBlock"/> layout, read in place from librdkafka's list.</summary>
    private ReadOnlySpan<byte> Headers(LibRdKafka.Message* message)
    {
        nint headers;
        if (LibRdKafka.MessageHeaders(message, &headers) != 0 || headers == 0)
        {
            return default;
        }

        var used = 0;
        for (nuint i = 0; ; i++)
        {
            byte* name;
            byte* value;
            nuint size;
            if (LibRdKafka.HeaderGetAll(headers, i, &name, &value, &size) != 0)
            {
                break;
            }

            HeaderBlock.Append(ref _headerScratch, ref used, LibRdKafka.Utf8(name), LibRdKafka.Bytes(value, size), value is null);
        }

        return _headerScratch.AsSpan(0, used);
    }

    /// <summary>The topic's name, from a short list of those seen (compared by bytes: a topic handle's address may be reused).</summary>
    private string? TopicOf(nint topic)
    {
        if (topic == 0)
        {
            return null;
        }

        var name = LibRdKafka.Utf8(LibRdKafka.TopicName(topic));
        foreach (var (utf8, known) in _topics)
        {
            if (name.SequenceEqual(utf8))
            {
                return known;
            }
        }

        var added = Encoding.UTF8.GetString(name);
        _topics = [.. _topics, (name.ToArray(), added)];
        return added;
    }

    /// <summary>A consume error as Confluent's Consume throws it, naming the topic, partition and offset.</summary>
    private ConsumeException ErrorOf(LibRdKafka.Message* message, string? topic)
    {
        Error error;
        if (message->Err == LibRdKafka.Fatal)
        {
            const int size = 512;
            var reason = stackalloc byte[size];
            var code = LibRdKafka.FatalError(_client, reason, size);
            error = new Error((ErrorCode)code, LibRdKafka.String(reason), isFatal: true);
        }
        else
        {
            error = new Error((ErrorCode)message->Err, LibRdKafka.String(LibRdKafka.MessageErrorString(message)));
        }

        var record = new ConsumeResult<byte[], byte[]> { TopicPartitionOffset = new TopicPartitionOffset(topic, message->Partition, message->Offset) };
        return new ConsumeException(record, error);
    }

    private static void Destroy(nint message) => LibRdKafka.MessageDestroy((LibRdKafka.Message*)message);

    /// <summary>How partitions are keyed here: by number alone when the consumer reads one topic.</summary>
    private (string? Topic, int Partition) KeyOf(TopicPartition partition) => (_resolveTopics ? partition.Topic : null, partition.Partition.Value);

    private (string? Topic, int Partition) PartitionOf(nint message)
    {
        var native = (LibRdKafka.Message*)message;
        return (_resolveTopics ? TopicOf(native->Topic) : null, native->Partition);
    }

    private void DestroyCurrent()
    {
        if (_current is not null)
        {
            LibRdKafka.MessageDestroy(_current);
            _current = null;
        }
    }
}
