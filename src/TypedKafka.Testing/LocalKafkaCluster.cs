using System.Globalization;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using TypedKafka.Testing.Native;

namespace TypedKafka.Testing;

/// <summary>
/// An embedded Kafka cluster for tests: librdkafka's mock brokers, listening on 127.0.0.1 and speaking
/// the Kafka protocol to any client, with fault injection. Started by the constructor; <see cref="Dispose"/>
/// stops every broker.
/// </summary>
/// <remarks>
/// Every member may be called from any thread; a call racing <see cref="Dispose"/> either completes or
/// throws <see cref="ObjectDisposedException"/>.
/// The mock keeps everything in memory and differs from Apache Kafka in known ways: ListOffsets by
/// timestamp is not implemented, CreateTopics through the admin protocol does not complete (use
/// <see cref="CreateTopic"/>), and topics that do not exist are created with 4 partitions on first use.
/// </remarks>
public sealed class LocalKafkaCluster : IDisposable
{
    /// <summary>librdkafka's default <c>message.max.bytes</c>.</summary>
    public const int DefaultMaxMessageBytes = 1_000_000;

    private readonly MockClusterHandle _cluster;
    private int _maxMessageBytes = DefaultMaxMessageBytes;

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers, with ids 1 to <paramref name="brokers"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="brokers"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The native librdkafka library could not be bound, or the brokers could not start.</exception>
    public LocalKafkaCluster(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        NativeLibraryBinding.EnsureBound();

        _cluster = Start(brokers);
        BrokerCount = brokers;
        string? bootstrapServers = Marshal.PtrToStringUTF8(LibRdKafka.MockClusterBootstraps(_cluster));
        if (string.IsNullOrEmpty(bootstrapServers))
        {
            _cluster.Dispose();
            throw new InvalidOperationException("LocalKafkaCluster started, but the mock cluster reported no bootstrap servers.");
        }

        BootstrapServers = bootstrapServers;
    }

    /// <summary>The brokers' addresses, <c>127.0.0.1:port,...</c>, for the <c>bootstrap.servers</c> setting of any Kafka client.</summary>
    public string BootstrapServers { get; }

    /// <summary>The number of brokers; their ids are 1 to <see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>
    /// The largest message <see cref="Produce"/> and <see cref="ProduceTransaction"/> write, in bytes as
    /// librdkafka counts them (key, value and record overhead): their producers' <c>message.max.bytes</c>.
    /// <see cref="DefaultMaxMessageBytes"/> unless set; raise it to test consumers against large messages.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside librdkafka's range, 1,000 to 1,000,000,000.</exception>
    public int MaxMessageBytes
    {
        get => Volatile.Read(ref _maxMessageBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1_000);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1_000_000_000);
            Volatile.Write(ref _maxMessageBytes, value);
        }
    }

    /// <summary>Creates a topic with the given number of partitions.</summary>
    /// <exception cref="ArgumentException">The topic name breaks Kafka's naming rules.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="partitions"/> is less than 1, or <paramref name="replicationFactor"/> is not between 1 and <see cref="BrokerCount"/>.
    /// </exception>
    /// <exception cref="KafkaException">The cluster refused, for instance because the topic exists.</exception>
    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        TopicNames.Validate(name, nameof(name));
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, BrokerCount);
        ThrowIfDisposed();

        ThrowOnError(
            LibRdKafka.MockTopicCreate(_cluster, name, partitions, replicationFactor),
            $"Creating topic '{name}' with {partitions} partition(s) and replication factor {replicationFactor}");
    }

    /// <summary>
    /// Writes <paramref name="messages"/> to <paramref name="topic"/> with an idempotent producer, each to its
    /// partition with its CreateTime timestamp, and waits until every one is acknowledged.
    /// A topic that does not exist is created with the cluster's default of 4 partitions.
    /// </summary>
    /// <returns>The offset each message was written at, in the order of <paramref name="messages"/>.</returns>
    /// <exception cref="KafkaException">A message was not delivered; the message names the topic and partition.</exception>
    /// <exception cref="TimeoutException">Delivery did not finish in time.</exception>
    public IReadOnlyList<long> Produce(string topic, IEnumerable<LocalMessage> messages)
    {
        LocalMessage[] batch = ValidateProduce(topic, messages);
        return MessageWriter.Write(BootstrapServers, topic, batch, MaxMessageBytes, transactional: false);
    }

    /// <summary>
    /// Writes <paramref name="messages"/> to <paramref name="topic"/> in one committed transaction, so each
    /// partition written to ends with a commit marker that takes up one offset after the last message.
    /// </summary>
    /// <returns>The offset each message was written at, in the order of <paramref name="messages"/>.</returns>
    /// <exception cref="KafkaException">A message was not delivered or the transaction failed; it was aborted.</exception>
    /// <exception cref="TimeoutException">Delivery did not finish in time.</exception>
    public IReadOnlyList<long> ProduceTransaction(string topic, IEnumerable<LocalMessage> messages)
    {
        LocalMessage[] batch = ValidateProduce(topic, messages);
        return MessageWriter.Write(BootstrapServers, topic, batch, MaxMessageBytes, transactional: true);
    }

    /// <summary>
    /// Disconnects broker <paramref name="brokerId"/> and refuses new connections to it until
    /// <see cref="SetBrokerUp"/>. Partition leadership does not move.
    /// </summary>
    public void SetBrokerDown(int brokerId)
    {
        ValidateBrokerId(brokerId);
        ThrowIfDisposed();
        ThrowOnError(LibRdKafka.MockBrokerSetDown(_cluster, brokerId), $"Setting broker {brokerId} down");
    }

    /// <summary>
    /// Delays every response of broker <paramref name="brokerId"/> by <paramref name="roundTrip"/>
    /// (zero for none): a slow or stalled leader, whose partitions deliver late but do deliver.
    /// </summary>
    public void SetBrokerRoundTrip(int brokerId, TimeSpan roundTrip)
    {
        ValidateBrokerId(brokerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(roundTrip, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(roundTrip, TimeSpan.FromMilliseconds(int.MaxValue));
        ThrowIfDisposed();
        ThrowOnError(LibRdKafka.MockBrokerSetRtt(_cluster, brokerId, (int)roundTrip.TotalMilliseconds), $"Setting broker {brokerId}'s round trip to {roundTrip}");
    }

    /// <summary>Makes broker <paramref name="brokerId"/> accept connections again.</summary>
    public void SetBrokerUp(int brokerId)
    {
        ValidateBrokerId(brokerId);
        ThrowIfDisposed();
        ThrowOnError(LibRdKafka.MockBrokerSetUp(_cluster, brokerId), $"Setting broker {brokerId} up");
    }

    /// <summary>
    /// Makes the next <c>errors.Length</c> requests of type <paramref name="apiKey"/>, to any broker, fail
    /// with these error codes, one request per code, in order.
    /// </summary>
    /// <exception cref="ArgumentException">No error codes were given.</exception>
    public void PushRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Length == 0)
        {
            throw new ArgumentException("Give at least one error code to push.", nameof(errors));
        }

        ArgumentOutOfRangeException.ThrowIfNegative((int)apiKey, nameof(apiKey));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((int)apiKey, short.MaxValue, nameof(apiKey));
        ThrowIfDisposed();

        int[] codes = Array.ConvertAll(errors, code => (int)code);
        unsafe
        {
            fixed (int* first = codes)
            {
                LibRdKafka.MockPushRequestErrorsArray(_cluster, (short)apiKey, (nuint)codes.Length, first);
            }
        }
    }

    /// <summary>
    /// Makes broker <paramref name="brokerId"/> the leader of <paramref name="topic"/> [<paramref name="partition"/>];
    /// -1 leaves the partition without a leader. Clients learn of it on their next metadata refresh.
    /// </summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
    {
        TopicNames.Validate(topic, nameof(topic));
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        if (brokerId != -1)
        {
            ValidateBrokerId(brokerId);
        }

        ThrowIfDisposed();
        ThrowOnError(
            LibRdKafka.MockPartitionSetLeader(_cluster, topic, partition, brokerId),
            $"Setting the leader of {topic} [{partition}] to broker {brokerId}");
    }

    /// <summary>
    /// Deletes the records of <paramref name="topic"/> [<paramref name="partition"/>] before
    /// <paramref name="beforeOffset"/>, which becomes the partition's low watermark (log start offset).
    /// </summary>
    /// <exception cref="KafkaException">
    /// The partition does not exist, or <paramref name="beforeOffset"/> is past its high watermark.
    /// </exception>
    public void DeleteRecords(string topic, int partition, long beforeOffset)
    {
        TopicNames.Validate(topic, nameof(topic));
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(beforeOffset);
        ThrowIfDisposed();

        ThrowOnError(
            LibRdKafka.MockPartitionDeleteRecords(_cluster, topic, partition, beforeOffset),
            $"Deleting records of {topic} [{partition}] before offset {beforeOffset}");
    }

    /// <summary>Stops every broker and frees the cluster. Calling it again does nothing.</summary>
    public void Dispose() => _cluster.Dispose();

    private static unsafe MockClusterHandle Start(int brokers)
    {
        byte* error = stackalloc byte[LibRdKafka.ErrorStringSize];
        error[0] = 0;

        nint conf = LibRdKafka.ConfNew();
        // The mock cluster needs a client handle to live in. It connects nowhere (no bootstrap servers), and
        // logs only errors, so that an idle handle does not warn about its missing bootstrap servers.
        SetOrThrow(conf, "client.id", "typedkafka-local-cluster", error);
        SetOrThrow(conf, "log_level", "3", error);

        nint client = LibRdKafka.New(LibRdKafka.ProducerType, conf, error, LibRdKafka.ErrorStringSize);
        if (client == 0)
        {
            LibRdKafka.ConfDestroy(conf); // rd_kafka_new takes ownership of conf only when it succeeds
            throw new InvalidOperationException("LocalKafkaCluster could not create its librdkafka handle: " + ReadError(error));
        }

        nint cluster = LibRdKafka.MockClusterNew(client, brokers);
        if (cluster == 0)
        {
            LibRdKafka.Destroy(client);
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"LocalKafkaCluster could not start {brokers} mock broker(s) on 127.0.0.1."));
        }

        return new MockClusterHandle(cluster, client);
    }

    private static unsafe void SetOrThrow(nint conf, string name, string value, byte* error)
    {
        if (LibRdKafka.ConfSet(conf, name, value, error, LibRdKafka.ErrorStringSize) != LibRdKafka.ConfOk)
        {
            string reason = ReadError(error);
            LibRdKafka.ConfDestroy(conf);
            throw new InvalidOperationException($"LocalKafkaCluster could not set '{name}' on its librdkafka handle: {reason}");
        }
    }

    private static unsafe string ReadError(byte* error) => Marshal.PtrToStringUTF8((nint)error) ?? "(no message)";

    private static void ThrowOnError(int code, string operation)
    {
        if (code != 0)
        {
            var error = (ErrorCode)code;
            throw new KafkaException(new Error(error, $"{operation} failed: {error} ({code})."));
        }
    }

    private LocalMessage[] ValidateProduce(string topic, IEnumerable<LocalMessage> messages)
    {
        TopicNames.Validate(topic, nameof(topic));
        ArgumentNullException.ThrowIfNull(messages);
        LocalMessage[] batch = messages.ToArray();
        for (int i = 0; i < batch.Length; i++)
        {
            LocalMessage? message = batch[i];
            if (message is null)
            {
                throw new ArgumentException($"Message {i} for topic '{topic}' is null.", nameof(messages));
            }

            if (message.Partition < 0)
            {
                throw new ArgumentException($"Message {i} for topic '{topic}' has partition {message.Partition}; partitions start at 0.", nameof(messages));
            }

            if (message.TimestampMs < 0)
            {
                throw new ArgumentException($"Message {i} for topic '{topic}' has timestamp {message.TimestampMs}; timestamps start at 0 (1970-01-01).", nameof(messages));
            }
        }

        ThrowIfDisposed();
        return batch;
    }

    private void ValidateBrokerId(int brokerId)
    {
        if (brokerId < 1 || brokerId > BrokerCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(brokerId), brokerId, $"Broker ids of this cluster run from 1 to {BrokerCount}.");
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_cluster.IsClosed, this);
}
