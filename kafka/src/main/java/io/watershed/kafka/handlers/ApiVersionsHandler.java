package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.ApiRegistry;
import io.watershed.kafka.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/**
 * ApiVersions: advertises exactly the APIs and versions of the registered handlers. A request of a
 * version this broker does not know arrives parsed as v0 (KIP-511) and is answered with
 * UNSUPPORTED_VERSION and the supported versions, so the client retries with one of them.
 */
final class ApiVersionsHandler implements ApiHandler {
  private final ApiRegistry registry;

  ApiVersionsHandler(ApiRegistry registry) {
    this.registry = registry;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.API_VERSIONS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    ApiVersionsRequest req = request.body(ApiVersionsRequest.class);
    ApiVersionsResponseData data = new ApiVersionsResponseData().setThrottleTimeMs(0);
    if (req.hasUnsupportedRequestVersion()) {
      data.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
    } else if (!req.isValid()) {
      data.setErrorCode(Errors.INVALID_REQUEST.code());
    }
    ApiVersionCollection keys = new ApiVersionCollection();
    registry.handlers().stream()
        .sorted((a, b) -> Short.compare(a.apiKey().id, b.apiKey().id))
        .forEach(
            h ->
                keys.add(
                    new ApiVersion()
                        .setApiKey(h.apiKey().id)
                        .setMinVersion(h.minVersion())
                        .setMaxVersion(h.maxVersion())));
    data.setApiKeys(keys);
    return CompletableFuture.completedFuture(new ApiVersionsResponse(data));
  }
}
