package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every advertised version of the admin APIs, as older clients and other languages' clients send
 * them: each request is served and its response encodes at that version.
 */
class AdminApiVersionsTest {
  @TempDir Path dir;

  @Test
  void everyAdvertisedVersionIsServed() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      for (short v = ApiKeys.CREATE_TOPICS.oldestVersion();
          v <= ApiKeys.CREATE_TOPICS.latestVersion(false);
          v++) {
        CreateTopicsRequestData create = new CreateTopicsRequestData().setTimeoutMs(10_000);
        create
            .topics()
            .add(
                new CreatableTopic()
                    .setName("v" + v)
                    .setNumPartitions(1)
                    .setReplicationFactor((short) 1));
        CreateTopicsResponse created =
            raw.send(new CreateTopicsRequest.Builder(create).build(v), CreateTopicsResponse.class);
        assertThat(created.data().topics().find("v" + v).errorCode())
            .as("CreateTopics v%d", v)
            .isEqualTo(Errors.NONE.code());
      }
      String topic = "v2";

      for (short v = ApiKeys.DESCRIBE_CONFIGS.oldestVersion();
          v <= ApiKeys.DESCRIBE_CONFIGS.latestVersion(false);
          v++) {
        DescribeConfigsRequestData describe =
            new DescribeConfigsRequestData().setIncludeSynonyms(true);
        describe
            .resources()
            .add(
                new DescribeConfigsResource()
                    .setResourceType(ConfigResource.Type.TOPIC.id())
                    .setResourceName(topic));
        DescribeConfigsResponse described =
            raw.send(
                new DescribeConfigsRequest.Builder(describe).build(v),
                DescribeConfigsResponse.class);
        assertThat(described.data().results().getFirst().errorCode())
            .as("DescribeConfigs v%d", v)
            .isEqualTo(Errors.NONE.code());
        assertThat(described.data().results().getFirst().configs()).isNotEmpty();
      }

      for (short v = ApiKeys.INCREMENTAL_ALTER_CONFIGS.oldestVersion();
          v <= ApiKeys.INCREMENTAL_ALTER_CONFIGS.latestVersion(false);
          v++) {
        IncrementalAlterConfigsRequestData alter = new IncrementalAlterConfigsRequestData();
        AlterConfigsResource resource =
            new AlterConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName(topic);
        resource
            .configs()
            .add(
                new AlterableConfig()
                    .setName("retention.ms")
                    .setValue("60000")
                    .setConfigOperation(OpType.SET.id()));
        alter.resources().add(resource);
        IncrementalAlterConfigsResponse altered =
            raw.send(
                new IncrementalAlterConfigsRequest.Builder(alter).build(v),
                IncrementalAlterConfigsResponse.class);
        assertThat(altered.data().responses().getFirst().errorCode())
            .as("IncrementalAlterConfigs v%d", v)
            .isEqualTo(Errors.NONE.code());
      }

      int partitions = 1;
      for (short v = ApiKeys.CREATE_PARTITIONS.oldestVersion();
          v <= ApiKeys.CREATE_PARTITIONS.latestVersion(false);
          v++) {
        CreatePartitionsRequestData grow = new CreatePartitionsRequestData().setTimeoutMs(10_000);
        grow.topics().add(new CreatePartitionsTopic().setName(topic).setCount(++partitions));
        CreatePartitionsResponse grown =
            raw.send(
                new CreatePartitionsRequest.Builder(grow).build(v), CreatePartitionsResponse.class);
        assertThat(grown.data().results().getFirst().errorCode())
            .as("CreatePartitions v%d", v)
            .isEqualTo(Errors.NONE.code());
      }

      for (short v = ApiKeys.DELETE_RECORDS.oldestVersion();
          v <= ApiKeys.DELETE_RECORDS.latestVersion(false);
          v++) {
        DeleteRecordsRequestData delete = new DeleteRecordsRequestData().setTimeoutMs(10_000);
        delete
            .topics()
            .add(
                new DeleteRecordsTopic()
                    .setName(topic)
                    .setPartitions(
                        List.of(new DeleteRecordsPartition().setPartitionIndex(0).setOffset(-1))));
        DeleteRecordsResponse deleted =
            raw.send(
                new DeleteRecordsRequest.Builder(delete).build(v), DeleteRecordsResponse.class);
        assertThat(deleted.data().topics().find(topic).partitions().find(0).errorCode())
            .as("DeleteRecords v%d", v)
            .isEqualTo(Errors.NONE.code());
      }

      for (short v = ApiKeys.DESCRIBE_LOG_DIRS.oldestVersion();
          v <= ApiKeys.DESCRIBE_LOG_DIRS.latestVersion(false);
          v++) {
        DescribeLogDirsResponse dirs =
            raw.send(
                new DescribeLogDirsRequest.Builder(new DescribeLogDirsRequestData().setTopics(null))
                    .build(v),
                DescribeLogDirsResponse.class);
        assertThat(dirs.data().results().getFirst().errorCode())
            .as("DescribeLogDirs v%d", v)
            .isEqualTo(Errors.NONE.code());
        assertThat(dirs.data().results().getFirst().topics()).isNotEmpty();
      }

      for (short v = ApiKeys.DESCRIBE_CLUSTER.oldestVersion();
          v <= ApiKeys.DESCRIBE_CLUSTER.latestVersion(false);
          v++) {
        DescribeClusterResponse cluster =
            raw.send(
                new DescribeClusterRequest.Builder(new DescribeClusterRequestData()).build(v),
                DescribeClusterResponse.class);
        assertThat(cluster.data().errorCode()).as("DescribeCluster v%d", v).isZero();
        assertThat(cluster.data().brokers()).hasSize(1);
      }

      for (short v = ApiKeys.DELETE_TOPICS.oldestVersion();
          v <= ApiKeys.DELETE_TOPICS.latestVersion(false);
          v++) {
        String name = "v" + (v + 1);
        DeleteTopicsRequestData delete = new DeleteTopicsRequestData().setTimeoutMs(10_000);
        if (v >= 6) {
          delete.topics().add(new DeleteTopicState().setName(name));
        } else {
          delete.topicNames().add(name);
        }
        DeleteTopicsResponse deleted =
            raw.send(new DeleteTopicsRequest.Builder(delete).build(v), DeleteTopicsResponse.class);
        assertThat(deleted.data().responses().find(name).errorCode())
            .as("DeleteTopics v%d", v)
            .isEqualTo(Errors.NONE.code());
      }
      assertThat(server.clientTopics()).isEmpty();
    }
  }
}
