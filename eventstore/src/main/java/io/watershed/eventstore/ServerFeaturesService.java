package io.watershed.eventstore;

import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.serverfeatures.ServerFeaturesGrpc;
import io.kurrent.dbclient.proto.serverfeatures.Serverfeatures.SupportedMethod;
import io.kurrent.dbclient.proto.serverfeatures.Serverfeatures.SupportedMethods;
import io.kurrent.dbclient.proto.shared.Shared;
import java.util.List;

/**
 * {@code ServerFeatures/GetSupportedMethods}: what this door serves, which the clients read on
 * connect to decide what they may call (service and method names in lower case, as KurrentDB
 * reports them). Without {@code getinfo}, {@code list}, {@code replayparked} and {@code
 * restartsubsystem} the clients would fall back to KurrentDB's HTTP API, and without the {@code
 * all} feature of {@code create} they refuse persistent subscriptions to {@code $all}.
 */
final class ServerFeaturesService extends ServerFeaturesGrpc.ServerFeaturesImplBase {
  static final String STREAMS = "event_store.client.streams.streams";
  static final String PERSISTENT =
      "event_store.client.persistent_subscriptions.persistentsubscriptions";
  static final String GOSSIP = "event_store.client.gossip.gossip";
  static final String FEATURES = "event_store.client.server_features.serverfeatures";

  private final SupportedMethods methods;

  /**
   * @param version the KurrentDB version whose API this door implements, e.g. {@code 24.10.0}
   */
  ServerFeaturesService(String version) {
    List<String> sources = List.of("stream", "all");
    SupportedMethods.Builder b = SupportedMethods.newBuilder().setEventStoreServerVersion(version);
    for (String m : List.of("read", "append", "delete", "tombstone", "batchappend")) {
      b.addMethods(method(STREAMS, m, List.of()));
    }
    for (String m :
        List.of("create", "update", "delete", "read", "getinfo", "replayparked", "list")) {
      b.addMethods(method(PERSISTENT, m, sources));
    }
    b.addMethods(method(PERSISTENT, "restartsubsystem", List.of()));
    b.addMethods(method(GOSSIP, "read", List.of()));
    b.addMethods(method(FEATURES, "getsupportedmethods", List.of()));
    this.methods = b.build();
  }

  private static SupportedMethod method(String service, String name, List<String> features) {
    return SupportedMethod.newBuilder()
        .setServiceName(service)
        .setMethodName(name)
        .addAllFeatures(features)
        .build();
  }

  @Override
  public void getSupportedMethods(Shared.Empty req, StreamObserver<SupportedMethods> out) {
    out.onNext(methods);
    out.onCompleted();
  }
}
