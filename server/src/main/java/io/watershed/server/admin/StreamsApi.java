package io.watershed.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.watershed.core.stream.AppendOutcome;
import io.watershed.core.stream.AppendTooLargeException;
import io.watershed.core.stream.EventStore;
import io.watershed.core.stream.ExpectedRevision;
import io.watershed.core.stream.IndexedEventStore;
import io.watershed.core.stream.InvalidEventException;
import io.watershed.core.stream.ProposedEvent;
import io.watershed.core.stream.RecordedEvent;
import io.watershed.core.stream.ResolvedEvent;
import io.watershed.core.stream.StreamDeletedException;
import io.watershed.core.stream.StreamReadResult;
import io.watershed.core.stream.WrongExpectedRevisionException;
import io.watershed.server.http.Request;
import io.watershed.server.http.Response;
import io.watershed.server.http.Router;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@code /api/v1/eventstore/streams}: the event store's streams as the EventStoreDB UI's stream
 * browser shows them — the list (from the {@code $streams} projection), a stream's events forwards
 * or backwards, {@code $all} — and appends with an expected revision.
 */
final class StreamsApi {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 1000;

  /** Most events one append may carry. */
  static final int MAX_EVENTS = 1000;

  private static final String ALL = "$all";

  private final AdminContext ctx;

  StreamsApi(AdminContext ctx) {
    this.ctx = ctx;
  }

  void register(Router routes, ApiHandlers h) {
    routes.get("/api/v1/eventstore/streams", h.blocking(this::list));
    routes.get("/api/v1/eventstore/streams/{stream}", h.blocking(this::read));
    routes.post("/api/v1/eventstore/streams/{stream}", h.async(this::append));
  }

  /** Streams in the order they were created, from the {@code $streams} projection. */
  private Object list(Request r) {
    IndexedEventStore store = ctx.events();
    int limit = (int) Params.integer(r, "limit", 100, 1, MAX_LIMIT);
    boolean forwards =
        Params.choice(r, "direction", "backwards", "forwards", "backwards").equals("forwards");
    long from = Params.integer(r, "from", forwards ? 0 : EventStore.END, 0, Long.MAX_VALUE);
    List<Map<String, Object>> out = new ArrayList<>();
    Long next = null;
    if (store.readStream("$streams", from, forwards, limit, false)
        instanceof StreamReadResult.Events events) {
      for (ResolvedEvent e : events.events()) {
        String data = new String(e.event().data(), StandardCharsets.UTF_8);
        int at = data.indexOf('@');
        String name = at < 0 ? data : data.substring(at + 1);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("lastRevision", store.lastRevision(name));
        m.put("system", name.startsWith("$"));
        out.add(m);
      }
      if (!events.events().isEmpty()) {
        long last = events.events().get(events.events().size() - 1).event().revision();
        next = forwards ? last + 1 : last - 1;
        if (next < 0 || (forwards && last >= events.lastRevision())) {
          next = null;
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("streams", out);
    m.put("next", next);
    m.put("allEndPosition", store.endPosition());
    return m;
  }

  private Object read(Request r) {
    IndexedEventStore store = ctx.events();
    String stream = r.pathParam("stream");
    int limit = (int) Params.integer(r, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    boolean forwards =
        Params.choice(r, "direction", "backwards", "forwards", "backwards").equals("forwards");
    boolean resolve = Params.bool(r, "resolveLinks", true);
    ValueFormat format = ValueFormat.of(Params.choice(r, "format", "auto", ValueFormat.NAMES));
    long from = Params.integer(r, "from", forwards ? 0 : EventStore.END, 0, Long.MAX_VALUE);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stream", stream);
    List<Map<String, Object>> events = new ArrayList<>();
    Long next = null;
    if (stream.equals(ALL)) {
      List<ResolvedEvent> read = store.readAll(from, forwards, limit);
      for (ResolvedEvent e : read) {
        events.add(event(e, format));
      }
      delivered(store, read);
      if (!read.isEmpty()) {
        long last = read.get(read.size() - 1).position();
        next = forwards ? last + 1 : last;
        if (!forwards && last == 0) {
          next = null;
        }
      }
      m.put("endPosition", store.endPosition());
    } else {
      StreamReadResult result;
      try {
        result = store.readStream(stream, from, forwards, limit, resolve);
      } catch (StreamDeletedException e) {
        throw new ApiException(HttpResponseStatus.GONE, "stream '" + stream + "' is deleted");
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage());
      }
      if (result instanceof StreamReadResult.NotFound) {
        throw ApiException.notFound("no stream '" + stream + "'");
      }
      StreamReadResult.Events found = (StreamReadResult.Events) result;
      for (ResolvedEvent e : found.events()) {
        events.add(event(e, format));
      }
      delivered(store, found.events());
      if (!found.events().isEmpty()) {
        long last = found.events().get(found.events().size() - 1).original().revision();
        next =
            forwards
                ? (last >= found.lastRevision() ? null : last + 1)
                : (last > 0 ? last - 1 : null);
      }
      m.put("lastRevision", found.lastRevision());
    }
    m.put("direction", forwards ? "forwards" : "backwards");
    m.put("events", events);
    m.put("next", next);
    return m;
  }

  /** Counts what a read sends, as the doors do, in the traffic of the log behind {@code $all}. */
  private static void delivered(EventStore store, List<ResolvedEvent> sent) {
    long bytes = 0;
    for (ResolvedEvent e : sent) {
      bytes += e.size();
    }
    store.delivered(sent.size(), bytes);
  }

  static Map<String, Object> event(ResolvedEvent resolved, ValueFormat format) {
    RecordedEvent e = resolved.event();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stream", e.stream());
    m.put("revision", e.revision());
    m.put("position", e.position());
    m.put("id", e.id().toString());
    m.put("type", e.type());
    m.put("contentType", e.contentType());
    m.put("created", Instant.ofEpochMilli(e.createdMillis()).toString());
    ValueFormat f =
        format == ValueFormat.AUTO && e.contentType().equals("application/json")
            ? ValueFormat.JSON
            : format;
    ValueFormat.Shown data = f.show(e.data());
    m.put("data", data.value());
    m.put("dataFormat", data.format());
    ValueFormat.Shown metadata = f.show(e.metadata());
    m.put("metadata", e.metadata().length == 0 ? null : metadata.value());
    if (resolved.link() != null) {
      RecordedEvent l = resolved.link();
      m.put(
          "link", Map.of("stream", l.stream(), "revision", l.revision(), "position", l.position()));
    }
    return m;
  }

  private CompletionStage<?> append(Request r) {
    IndexedEventStore store = ctx.events();
    String stream = r.pathParam("stream");
    if (stream.equals(ALL)) {
      throw ApiException.badRequest("events are appended to a stream, not to $all");
    }
    ObjectNode body = Json.object(r);
    ExpectedRevision expected = expected(body.get("expectedRevision"));
    JsonNode list = body.get("events");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw ApiException.badRequest("'events' must be a non-empty array");
    }
    if (list.size() > MAX_EVENTS) {
      throw ApiException.badRequest("at most " + MAX_EVENTS + " events per append");
    }
    List<ProposedEvent> events = new ArrayList<>();
    int i = 0;
    for (JsonNode e : list) {
      if (!e.isObject()) {
        throw ApiException.badRequest("events[" + i + "] must be an object");
      }
      String type = Json.text(e, "type", true);
      if (type.isEmpty()) {
        throw ApiException.badRequest("events[" + i + "].type must not be empty");
      }
      JsonNode data = e.get("data");
      String contentType = Json.text(e, "contentType", false);
      byte[] bytes;
      if (data == null || data.isNull()) {
        bytes = new byte[0];
      } else if (data.isTextual() && !"application/json".equals(contentType)) {
        bytes = data.asText().getBytes(StandardCharsets.UTF_8);
        contentType = contentType == null ? "application/octet-stream" : contentType;
      } else {
        bytes = data.toString().getBytes(StandardCharsets.UTF_8);
        contentType = "application/json";
      }
      if (contentType == null) {
        contentType = "application/json";
      }
      JsonNode md = e.get("metadata");
      byte[] metadata =
          md == null || md.isNull()
              ? new byte[0]
              : (md.isTextual() ? md.asText() : md.toString()).getBytes(StandardCharsets.UTF_8);
      String idText = Json.text(e, "id", false);
      UUID id;
      try {
        id = idText == null ? UUID.randomUUID() : UUID.fromString(idText);
      } catch (IllegalArgumentException x) {
        throw ApiException.badRequest("events[" + i + "].id is not a UUID: " + idText);
      }
      events.add(new ProposedEvent(id, type, contentType, bytes, metadata));
      i++;
    }
    return store
        .append(stream, expected, events)
        .handle(
            (AppendOutcome ok, Throwable error) -> {
              if (error == null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("stream", stream);
                m.put("lastRevision", ok.lastRevision());
                m.put("position", ok.position());
                return Response.json(HttpResponseStatus.CREATED, m);
              }
              Throwable e = ApiHandlers.unwrap(error);
              switch (e) {
                case WrongExpectedRevisionException w ->
                    throw ApiException.conflict(w.getMessage());
                case StreamDeletedException d ->
                    throw new ApiException(
                        HttpResponseStatus.GONE, "stream '" + stream + "' is deleted");
                case AppendTooLargeException t ->
                    throw new ApiException(
                        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, t.getMessage());
                case InvalidEventException v -> throw ApiException.badRequest(v.getMessage());
                case IllegalArgumentException v -> throw ApiException.badRequest(v.getMessage());
                default -> throw new CompletionException(e);
              }
            });
  }

  private static ExpectedRevision expected(JsonNode node) {
    if (node == null || node.isNull()) {
      return ExpectedRevision.ANY;
    }
    if (node.isIntegralNumber() && node.asLong() >= 0) {
      return ExpectedRevision.exact(node.asLong());
    }
    return switch (node.asText()) {
      case "any" -> ExpectedRevision.ANY;
      case "no_stream" -> ExpectedRevision.NO_STREAM;
      case "stream_exists" -> ExpectedRevision.STREAM_EXISTS;
      default ->
          throw ApiException.badRequest(
              "'expectedRevision' must be any, no_stream, stream_exists or a revision ≥ 0");
    };
  }
}
