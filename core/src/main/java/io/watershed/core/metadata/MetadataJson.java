package io.watershed.core.metadata;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.watershed.core.group.Bytes;
import java.io.IOException;

/**
 * The JSON conventions shared by the command log ({@link MetadataCommandCodec}) and the snapshot
 * ({@link MetadataSnapshot}): boolean helpers of records such as {@code isEmpty()} are not
 * properties (components are), map entries are in key order, and {@link Bytes} is a base64 string.
 * All three are part of the on-disk formats.
 */
final class MetadataJson {

  private MetadataJson() {}

  /** A mapper builder with the shared conventions; callers add their own type information. */
  static JsonMapper.Builder builder() {
    SimpleModule bytes = new SimpleModule("watershed-bytes");
    bytes.addSerializer(Bytes.class, new BytesSerializer());
    bytes.addDeserializer(Bytes.class, new BytesDeserializer());
    return JsonMapper.builder()
        .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .addModule(bytes);
  }

  private static final class BytesSerializer extends StdSerializer<Bytes> {
    private static final long serialVersionUID = 1L;

    BytesSerializer() {
      super(Bytes.class);
    }

    @Override
    public void serialize(Bytes value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeBinary(value.toArray());
    }
  }

  private static final class BytesDeserializer extends StdDeserializer<Bytes> {
    private static final long serialVersionUID = 1L;

    BytesDeserializer() {
      super(Bytes.class);
    }

    @Override
    public Bytes deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      return Bytes.of(parser.getBinaryValue());
    }
  }
}
