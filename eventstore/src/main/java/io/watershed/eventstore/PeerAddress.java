package io.watershed.eventstore;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.SocketAddress;

/**
 * Puts each call's remote address into its gRPC context, where the persistent-subscription service
 * reads it to say where a connection comes from.
 */
final class PeerAddress implements ServerInterceptor {
  private static final Context.Key<String> KEY = Context.key("watershed-peer");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    Context ctx = Context.current().withValue(KEY, remote == null ? "" : remote.toString());
    return Contexts.interceptCall(ctx, call, headers, next);
  }

  /** The remote address of the current call, or an empty string. */
  static String current() {
    String v = KEY.get();
    return v == null ? "" : v;
  }
}
