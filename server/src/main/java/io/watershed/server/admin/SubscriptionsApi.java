package io.watershed.server.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.watershed.core.stream.EventStore;
import io.watershed.core.stream.PersistentSubscriptionException;
import io.watershed.core.stream.PersistentSubscriptionInfo;
import io.watershed.core.stream.PersistentSubscriptions;
import io.watershed.server.http.Request;
import io.watershed.server.http.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code /api/v1/eventstore/subscriptions}: persistent subscription groups as the EventStoreDB UI's
 * competing-consumers page shows them — positions, backlog, in-flight and parked counts,
 * connections — and replaying parked events.
 */
public final class SubscriptionsApi {
  private final AdminContext ctx;

  SubscriptionsApi(AdminContext ctx) {
    this.ctx = ctx;
  }

  void register(Router routes, ApiHandlers h) {
    routes.get("/api/v1/eventstore/subscriptions", h.blocking(r -> list()));
    routes.get("/api/v1/eventstore/subscriptions/{stream}/{group}", h.blocking(this::describe));
    routes.post(
        "/api/v1/eventstore/subscriptions/{stream}/{group}/replay-parked", h.async(this::replay));
  }

  /** Every group, described; also used for metrics. */
  static List<Map<String, Object>> all(PersistentSubscriptions groups, EventStore store)
      throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    for (PersistentSubscriptionInfo info : groups.list(null).get(5, TimeUnit.SECONDS)) {
      out.add(describe(info, store, false));
    }
    return out;
  }

  private Object list() throws Exception {
    return Map.of("subscriptions", all(ctx.subscriptions(), ctx.events()));
  }

  private Object describe(Request r) throws Exception {
    String stream = r.pathParam("stream");
    String group = r.pathParam("group");
    try {
      PersistentSubscriptionInfo info =
          ctx.subscriptions().info(stream, group).get(5, TimeUnit.SECONDS);
      return describe(info, ctx.events(), true);
    } catch (java.util.concurrent.ExecutionException e) {
      throw mapped(e, stream, group);
    }
  }

  /**
   * How many events of the source the group has not yet processed: from its last checkpoint to the
   * source's end (a stream's last revision, or {@code $all}'s last position).
   */
  public static long backlog(PersistentSubscriptionInfo info, EventStore store) {
    long end =
        info.stream().equals(PersistentSubscriptions.ALL)
            ? store.endPosition() - 1
            : store.lastRevision(info.stream());
    return Math.max(0, end - info.lastCheckpointedPosition());
  }

  static Map<String, Object> describe(
      PersistentSubscriptionInfo info, EventStore store, boolean withConnections) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stream", info.stream());
    m.put("group", info.group());
    m.put("status", info.status());
    m.put("strategy", info.settings().consumerStrategy().toString());
    m.put("lastCheckpointedPosition", info.lastCheckpointedPosition());
    m.put("lastKnownPosition", info.lastKnownPosition());
    m.put("backlog", backlog(info, store));
    m.put("inFlight", info.inFlightCount());
    m.put("parked", info.parkedCount());
    m.put("readBuffer", info.readBufferCount());
    m.put("retryBuffer", info.retryBufferCount());
    m.put("totalItems", info.totalItems());
    m.put("connectionCount", info.connections().size());
    if (withConnections) {
      List<Map<String, Object>> connections = new ArrayList<>();
      for (PersistentSubscriptionInfo.ConnectionInfo c : info.connections()) {
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("name", c.name());
        cm.put("from", c.from());
        cm.put("inFlight", c.inFlight());
        cm.put("availableSlots", c.availableSlots());
        cm.put("delivered", c.delivered());
        connections.add(cm);
      }
      m.put("connections", connections);
      m.put("maxRetryCount", info.settings().maxRetryCount());
      m.put("messageTimeoutMs", info.settings().messageTimeoutMs());
    }
    return m;
  }

  private CompletionStage<?> replay(Request r) {
    String stream = r.pathParam("stream");
    String group = r.pathParam("group");
    ObjectNode body = Json.object(r);
    long stopAt = Json.integer(body, "stopAt", -1, -1, Long.MAX_VALUE);
    return ctx.subscriptions()
        .replayParked(stream, group, stopAt)
        .handle(
            (ok, error) -> {
              if (error != null) {
                throw mapped(error, stream, group);
              }
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("stream", stream);
              m.put("group", group);
              m.put("replaying", stopAt < 0 ? "all" : stopAt);
              return m;
            });
  }

  private static RuntimeException mapped(Throwable error, String stream, String group) {
    Throwable e = ApiHandlers.unwrap(error);
    if (e instanceof PersistentSubscriptionException p
        && p.reason() == PersistentSubscriptionException.Reason.NOT_FOUND) {
      return ApiException.notFound("no subscription group '" + group + "' on '" + stream + "'");
    }
    if (e instanceof PersistentSubscriptionException p) {
      return new ApiException(HttpResponseStatus.CONFLICT, p.getMessage());
    }
    return new CompletionException(e);
  }
}
