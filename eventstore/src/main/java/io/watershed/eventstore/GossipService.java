package io.watershed.eventstore;

import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.gossip.GossipGrpc;
import io.kurrent.dbclient.proto.gossip.GossipOuterClass.ClusterInfo;
import io.kurrent.dbclient.proto.gossip.GossipOuterClass.EndPoint;
import io.kurrent.dbclient.proto.gossip.GossipOuterClass.MemberInfo;
import io.kurrent.dbclient.proto.shared.Shared;
import java.util.UUID;
import java.util.function.IntSupplier;

/**
 * {@code Gossip/Read}: the cluster as clients with a {@code +discover} connection string or several
 * hosts see it. A single node is the leader of a cluster of one, reachable at its advertised host
 * and port.
 */
final class GossipService extends GossipGrpc.GossipImplBase {
  private final UUID instanceId;
  private final String host;
  private final IntSupplier port;

  GossipService(UUID instanceId, String host, IntSupplier port) {
    this.instanceId = instanceId;
    this.host = host;
    this.port = port;
  }

  @Override
  public void read(Shared.Empty req, StreamObserver<ClusterInfo> out) {
    MemberInfo self =
        MemberInfo.newBuilder()
            .setInstanceId(Wire.uuid(instanceId, false))
            .setTimeStamp(System.currentTimeMillis() * 10_000)
            .setState(MemberInfo.VNodeState.Leader)
            .setIsAlive(true)
            .setHttpEndPoint(EndPoint.newBuilder().setAddress(host).setPort(port.getAsInt()))
            .build();
    out.onNext(ClusterInfo.newBuilder().addMembers(self).build());
    out.onCompleted();
  }
}
