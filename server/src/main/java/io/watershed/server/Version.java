package io.watershed.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The Watershed version: the jar manifest's Implementation-Version, else a filtered resource. */
public final class Version {
  private Version() {}

  public static String get() {
    Package pkg = Version.class.getPackage();
    String version = pkg == null ? null : pkg.getImplementationVersion();
    if (version != null && !version.isBlank()) {
      return version;
    }
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties props = new Properties();
        props.load(in);
        version = props.getProperty("version");
        if (version != null && !version.isBlank() && !version.startsWith("${")) {
          return version.strip();
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "unknown";
  }
}
