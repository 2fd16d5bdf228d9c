package io.watershed.kafka;

import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Requests with default contents, to build a well-formed error response for a request whose body
 * did not parse: the client then reads an error it understands instead of bytes it cannot.
 */
final class EmptyRequests {
  private EmptyRequests() {}

  /** A default request of {@code api} at {@code version}, or null if none can be made. */
  static AbstractRequest of(ApiKeys api, short version) {
    try {
      ApiMessage data = api.messageType.newRequest();
      ObjectSerializationCache cache = new ObjectSerializationCache();
      ByteBuffer buf = ByteBuffer.allocate(data.size(cache, version));
      data.write(new ByteBufferAccessor(buf), cache, version);
      buf.flip();
      return AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(buf)).request;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
