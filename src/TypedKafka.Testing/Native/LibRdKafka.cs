using System.Runtime.InteropServices;

namespace TypedKafka.Testing.Native;

/// <summary>
/// The few librdkafka entry points the embedded cluster needs, declared after
/// <c>rdkafka.h</c> and <c>rdkafka_mock.h</c> of librdkafka 2.16.
/// </summary>
/// <remarks>
/// <see cref="LibraryName"/> is not a file name: <see cref="NativeLibraryBinding"/> resolves it to
/// the very library file Confluent.Kafka loaded, so that the mock cluster and the clients share one
/// copy of librdkafka. Every <c>rd_kafka_resp_err_t</c> is returned as <see cref="int"/>; its values
/// are those of <see cref="Confluent.Kafka.ErrorCode"/>.
/// Strings returned by librdkafka are owned by it, so they come back as pointers and are copied,
/// never freed, by the caller.
/// </remarks>
internal static partial class LibRdKafka
{
    internal const string LibraryName = "TypedKafka.Testing.librdkafka";

    internal const int ProducerType = 0;       // RD_KAFKA_PRODUCER
    internal const int ConfOk = 0;             // RD_KAFKA_CONF_OK
    internal const int ErrorStringSize = 512;

    // rd_kafka_conf_t *rd_kafka_conf_new(void);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_new")]
    internal static partial nint ConfNew();

    // void rd_kafka_conf_destroy(rd_kafka_conf_t *conf);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_destroy")]
    internal static partial void ConfDestroy(nint conf);

    // rd_kafka_conf_res_t rd_kafka_conf_set(rd_kafka_conf_t *conf, const char *name, const char *value,
    //                                       char *errstr, size_t errstr_size);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int ConfSet(nint conf, string name, string value, byte* errstr, nuint errstrSize);

    // rd_kafka_t *rd_kafka_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, char *errstr, size_t errstr_size);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_new")]
    internal static unsafe partial nint New(int type, nint conf, byte* errstr, nuint errstrSize);

    // void rd_kafka_destroy(rd_kafka_t *rk);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_destroy")]
    internal static partial void Destroy(nint rk);

    // rd_kafka_mock_cluster_t *rd_kafka_mock_cluster_new(rd_kafka_t *rk, int broker_cnt);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_new")]
    internal static partial nint MockClusterNew(nint rk, int brokerCount);

    // void rd_kafka_mock_cluster_destroy(rd_kafka_mock_cluster_t *mcluster);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    internal static partial void MockClusterDestroy(nint mcluster);

    // const char *rd_kafka_mock_cluster_bootstraps(const rd_kafka_mock_cluster_t *mcluster);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    internal static partial nint MockClusterBootstraps(MockClusterHandle mcluster);

    // rd_kafka_resp_err_t rd_kafka_mock_topic_create(rd_kafka_mock_cluster_t *mcluster, const char *topic,
    //                                                int partition_cnt, int replication_factor);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MockTopicCreate(MockClusterHandle mcluster, string topic, int partitionCount, int replicationFactor);

    // rd_kafka_resp_err_t rd_kafka_mock_broker_set_down(rd_kafka_mock_cluster_t *mcluster, int32_t broker_id);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_broker_set_down")]
    internal static partial int MockBrokerSetDown(MockClusterHandle mcluster, int brokerId);

    // rd_kafka_resp_err_t rd_kafka_mock_broker_set_rtt(rd_kafka_mock_cluster_t *mcluster, int32_t broker_id, int rtt_ms);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    internal static partial int MockBrokerSetRtt(MockClusterHandle mcluster, int brokerId, int rttMs);

    // rd_kafka_resp_err_t rd_kafka_mock_broker_set_up(rd_kafka_mock_cluster_t *mcluster, int32_t broker_id);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_broker_set_up")]
    internal static partial int MockBrokerSetUp(MockClusterHandle mcluster, int brokerId);

    // void rd_kafka_mock_push_request_errors_array(rd_kafka_mock_cluster_t *mcluster, int16_t ApiKey,
    //                                              size_t cnt, const rd_kafka_resp_err_t *errors);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    internal static unsafe partial void MockPushRequestErrorsArray(MockClusterHandle mcluster, short apiKey, nuint count, int* errors);

    // void rd_kafka_mock_clear_request_errors(rd_kafka_mock_cluster_t *mcluster, int16_t ApiKey);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_clear_request_errors")]
    internal static partial void MockClearRequestErrors(MockClusterHandle mcluster, short apiKey);

    // rd_kafka_resp_err_t rd_kafka_mock_partition_set_leader(rd_kafka_mock_cluster_t *mcluster, const char *topic,
    //                                                        int32_t partition, int32_t broker_id);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_partition_set_leader", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MockPartitionSetLeader(MockClusterHandle mcluster, string topic, int partition, int brokerId);

    // rd_kafka_resp_err_t rd_kafka_mock_partition_delete_records(rd_kafka_mock_cluster_t *mcluster, const char *topic,
    //                                                            int32_t partition, int64_t before_offset);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_partition_delete_records", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MockPartitionDeleteRecords(MockClusterHandle mcluster, string topic, int partition, long beforeOffset);
}
