package io.watershed.kafka.group;

import org.apache.kafka.common.requests.RequestContext;

/**
 * What the coordinator needs to know about the request it serves, besides its body.
 *
 * @param clientId the client id from the request header
 * @param clientHost the client's address, as Kafka reports it ({@code /127.0.0.1})
 * @param apiVersion the version of the request
 */
public record GroupRequestContext(String clientId, String clientHost, short apiVersion) {

  /** The context of a Kafka request. */
  public static GroupRequestContext of(RequestContext context) {
    String host = context.clientAddress == null ? "" : context.clientAddress.toString();
    return new GroupRequestContext(
        context.clientId() == null ? "" : context.clientId(), host, context.apiVersion());
  }
}
