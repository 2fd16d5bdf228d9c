package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import java.io.IOException;

/**
 * A list member written straight to the response's generator (JSON or CBOR) when the response is
 * encoded, for the long lists of records of GetRecords, PutRecords and SubscribeToShard events:
 * building a tree node per record first costs more than encoding it. Put it in a response with
 * {@code putPOJO}.
 */
final class StreamedArray extends JsonSerializable.Base {
  /** Writes the items, between the array's start and end. */
  @FunctionalInterface
  interface Items {
    void write(JsonGenerator g) throws IOException;
  }

  private final Items items;

  StreamedArray(Items items) {
    this.items = items;
  }

  @Override
  public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
    g.writeStartArray();
    items.write(g);
    g.writeEndArray();
  }

  @Override
  public void serializeWithType(
      JsonGenerator g, SerializerProvider provider, TypeSerializer typeSer) throws IOException {
    serialize(g, provider);
  }
}
