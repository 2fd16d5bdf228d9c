package io.watershed.it;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.CreateStreamRequest;
import software.amazon.awssdk.services.kinesis.model.DeleteStreamRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamResponse;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ListStreamsRequest;
import software.amazon.awssdk.services.kinesis.model.ListStreamsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * The operations the stream-lifecycle test drives, over either SDK client: the sync and async
 * clients share the request and response classes, so one workload runs on both.
 */
interface KinesisApi {
  void createStream(CreateStreamRequest r);

  DescribeStreamResponse describeStream(DescribeStreamRequest r);

  DescribeStreamSummaryResponse describeStreamSummary(DescribeStreamSummaryRequest r);

  ListStreamsResponse listStreams(ListStreamsRequest r);

  ListShardsResponse listShards(ListShardsRequest r);

  PutRecordsResponse putRecords(PutRecordsRequest r);

  String shardIterator(GetShardIteratorRequest r);

  GetRecordsResponse getRecords(GetRecordsRequest r);

  void deleteStream(DeleteStreamRequest r);

  static KinesisApi of(KinesisClient c) {
    return new KinesisApi() {
      public void createStream(CreateStreamRequest r) {
        c.createStream(r);
      }

      public DescribeStreamResponse describeStream(DescribeStreamRequest r) {
        return c.describeStream(r);
      }

      public DescribeStreamSummaryResponse describeStreamSummary(DescribeStreamSummaryRequest r) {
        return c.describeStreamSummary(r);
      }

      public ListStreamsResponse listStreams(ListStreamsRequest r) {
        return c.listStreams(r);
      }

      public ListShardsResponse listShards(ListShardsRequest r) {
        return c.listShards(r);
      }

      public PutRecordsResponse putRecords(PutRecordsRequest r) {
        return c.putRecords(r);
      }

      public String shardIterator(GetShardIteratorRequest r) {
        return c.getShardIterator(r).shardIterator();
      }

      public GetRecordsResponse getRecords(GetRecordsRequest r) {
        return c.getRecords(r);
      }

      public void deleteStream(DeleteStreamRequest r) {
        c.deleteStream(r);
      }
    };
  }

  static KinesisApi of(KinesisAsyncClient c) {
    return new KinesisApi() {
      public void createStream(CreateStreamRequest r) {
        c.createStream(r).join();
      }

      public DescribeStreamResponse describeStream(DescribeStreamRequest r) {
        return c.describeStream(r).join();
      }

      public DescribeStreamSummaryResponse describeStreamSummary(DescribeStreamSummaryRequest r) {
        return c.describeStreamSummary(r).join();
      }

      public ListStreamsResponse listStreams(ListStreamsRequest r) {
        return c.listStreams(r).join();
      }

      public ListShardsResponse listShards(ListShardsRequest r) {
        return c.listShards(r).join();
      }

      public PutRecordsResponse putRecords(PutRecordsRequest r) {
        return c.putRecords(r).join();
      }

      public String shardIterator(GetShardIteratorRequest r) {
        return c.getShardIterator(r).join().shardIterator();
      }

      public GetRecordsResponse getRecords(GetRecordsRequest r) {
        return c.getRecords(r).join();
      }

      public void deleteStream(DeleteStreamRequest r) {
        c.deleteStream(r).join();
      }
    };
  }
}
