package io.watershed.kafka.group;

import io.watershed.core.group.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;

/**
 * One protocol a classic member supports, with its metadata for that protocol (for consumers: an
 * assignor and the member's subscription). Compared by value.
 *
 * @param name the protocol name, such as {@code range}
 * @param metadata the member's metadata for it
 */
record ClassicProtocol(String name, Bytes metadata) {

  ClassicProtocol {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(metadata, "metadata");
  }

  /** The protocols of a JoinGroup request, in the member's order of preference. */
  static List<ClassicProtocol> of(Iterable<JoinGroupRequestProtocol> protocols) {
    List<ClassicProtocol> out = new ArrayList<>();
    for (JoinGroupRequestProtocol p : protocols) {
      out.add(new ClassicProtocol(p.name(), Bytes.of(p.metadata())));
    }
    return List.copyOf(out);
  }
}
