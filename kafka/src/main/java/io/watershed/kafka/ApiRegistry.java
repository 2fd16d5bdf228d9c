package io.watershed.kafka;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;

/** The APIs this broker implements, each with its handler and advertised versions. */
public final class ApiRegistry {
  private final Map<ApiKeys, ApiHandler> handlers = new EnumMap<>(ApiKeys.class);

  /** Adds a handler; one per API. */
  public ApiRegistry register(ApiHandler handler) {
    if (handlers.putIfAbsent(handler.apiKey(), handler) != null) {
      throw new IllegalArgumentException("two handlers for " + handler.apiKey());
    }
    if (handler.minVersion() < handler.apiKey().oldestVersion()
        || handler.maxVersion() > handler.apiKey().latestVersion(false)
        || handler.minVersion() > handler.maxVersion()) {
      throw new IllegalArgumentException(
          handler.apiKey()
              + ": versions "
              + handler.minVersion()
              + "-"
              + handler.maxVersion()
              + " are outside what the codec can parse");
    }
    return this;
  }

  /** The handler of {@code api} when {@code version} is one it serves, else null. */
  public ApiHandler handler(ApiKeys api, short version) {
    ApiHandler h = handlers.get(api);
    return h != null && version >= h.minVersion() && version <= h.maxVersion() ? h : null;
  }

  public Collection<ApiHandler> handlers() {
    return Collections.unmodifiableCollection(handlers.values());
  }
}
