package io.watershed.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The recorded seeds of a door: what each official client connection sent, byte for byte, read from
 * the class path ({@code corpus/<door>/index.txt} names the files, {@code CorpusRecorder} writes
 * them).
 */
public final class Corpus {
  /** One recorded connection: the file it came from and the bytes the client sent. */
  public record Connection(String name, byte[] bytes) {}

  private Corpus() {}

  public static List<Connection> load(Door door) {
    String dir = "corpus/" + door.id() + "/";
    List<Connection> out = new ArrayList<>();
    try {
      String index = new String(read(dir + "index.txt"), StandardCharsets.UTF_8);
      for (String name : index.split("\n")) {
        if (!name.isBlank()) {
          out.add(new Connection(name.strip(), read(dir + name.strip())));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the corpus of " + door.id(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("the corpus of " + door.id() + " is empty");
    }
    return out;
  }

  /** A text file of a door's corpus (such as the Kafka topic ids), or null when there is none. */
  public static String text(Door door, String name) {
    try {
      return new String(read("corpus/" + door.id() + "/" + name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] read(String resource) throws IOException {
    try (InputStream in = Corpus.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no resource " + resource);
      }
      return in.readAllBytes();
    }
  }
}
