package io.watershed.server.admin;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.watershed.server.http.HttpHandler;
import io.watershed.server.http.Response;
import io.watershed.server.http.Router;
import java.util.concurrent.CompletableFuture;

/**
 * The seam for the Kinesis door: {@code /api/v1/kinesis/streams} (streams with their shard counts),
 * {@code .../{stream}} and {@code .../{stream}/shards} (shard lineage: parents, hash key ranges,
 * sequence number ranges, open or closed), as the OpenAPI document describes them. Until the door
 * is wired into the server these answer 501, so clients can tell "not in this build" from "no such
 * stream".
 */
final class KinesisApi {
  void register(Router routes) {
    HttpHandler absent =
        request ->
            CompletableFuture.completedFuture(
                Response.error(
                    HttpResponseStatus.NOT_IMPLEMENTED,
                    "the Kinesis front door is not part of this server yet"));
    routes.get("/api/v1/kinesis/streams", absent);
    routes.get("/api/v1/kinesis/streams/{stream}", absent);
    routes.get("/api/v1/kinesis/streams/{stream}/shards", absent);
  }
}
