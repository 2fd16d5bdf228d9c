package io.watershed.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.watershed.log.FlushPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a {@link ServerConfig} from four layers, each overriding the one before: built-in
 * defaults, the YAML file, environment variables ({@code WATERSHED_<KEY>}), command-line flags.
 *
 * <p>The YAML file may spell keys flat ({@code log.flush: durable}) or nested ({@code log: {flush:
 * durable}}); both mean the flat key {@code log.flush}. Unknown keys produce a warning; bad values
 * a {@link ConfigException} whose message is one line naming the key, the value and its source.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Loads the configuration.
   *
   * @param configFile the YAML file ({@code --config}); when null, {@code WATERSHED_CONFIG} from
   *     {@code env} names it, and when that is unset there is no file
   * @param env the environment (normally {@link System#getenv()})
   * @param flags values from the command line, later ones winning
   */
  public static ServerConfig load(Path configFile, Map<String, String> env, List<Setting> flags)
      throws ConfigException {
    Map<String, Setting> merged = new LinkedHashMap<>();
    Path file = configFile;
    if (file == null) {
      String fromEnv = env.get(ConfigKeys.CONFIG_ENV);
      if (fromEnv != null && !fromEnv.isBlank()) {
        try {
          file = Path.of(fromEnv);
        } catch (InvalidPathException e) {
          throw new ConfigException(
              "invalid config file path '" + fromEnv + "' (from " + ConfigKeys.CONFIG_ENV + ")");
        }
      }
    }
    if (file != null) {
      put(merged, readYaml(file));
    }
    put(merged, fromEnv(env));
    put(merged, flags);
    return build(merged.values());
  }

  /** The settings of a YAML file, flattened to dotted keys. */
  public static List<Setting> readYaml(Path file) throws ConfigException {
    String origin = "file " + file;
    JsonNode root;
    try (var reader = Files.newBufferedReader(file)) {
      root = new YAMLMapper().readTree(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file not found: " + file);
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ConfigException(
          "cannot parse config file " + file + where + ": " + oneLine(e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e, e);
    }
    List<Setting> out = new ArrayList<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return out; // empty file
    }
    if (!root.isObject()) {
      throw new ConfigException(
          "config file " + file + " must be a mapping of keys to values, not a " + kind(root));
    }
    flatten("", root, origin, out);
    return out;
  }

  /** The settings given by {@code WATERSHED_*} variables, sorted by name. */
  public static List<Setting> fromEnv(Map<String, String> env) {
    List<Setting> out = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(ConfigKeys.ENV_PREFIX)
          || name.length() == ConfigKeys.ENV_PREFIX.length()
          || ConfigKeys.NON_KEY_ENV.contains(name)
          || e.getValue() == null
          || e.getValue().isEmpty()) {
        continue; // an empty variable counts as unset
      }
      out.add(new Setting(ConfigKeys.keyOfEnv(name), e.getValue(), "environment " + name));
    }
    return out;
  }

  private static void put(Map<String, Setting> merged, List<Setting> layer) {
    for (Setting s : layer) {
      merged.remove(s.key()); // keep the winning setting's position last, for stable messages
      merged.put(s.key(), s);
    }
  }

  private static void flatten(String prefix, JsonNode node, String origin, List<Setting> out)
      throws ConfigException {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String key = prefix + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        flatten(key + ".", value, origin, out);
      } else if (value.isNull()) {
        continue; // "key:" with no value leaves the default
      } else if (value.isValueNode()) {
        out.add(new Setting(key, value.asText(), origin));
      } else {
        throw new ConfigException(
            "invalid "
                + key
                + " (from "
                + origin
                + "): expected a single value, not a "
                + kind(value));
      }
    }
  }

  static ServerConfig build(Iterable<Setting> settings) throws ConfigException {
    Map<String, Setting> byKey = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    for (Setting s : settings) {
      byKey.put(s.key(), s);
    }
    for (Setting s : byKey.values()) {
      if (!ConfigKeys.isKnown(s.key())) {
        warnings.add(
            "unknown configuration key '" + s.key() + "' (from " + s.origin() + ") ignored");
      }
    }

    Path dataDir = path(byKey, ConfigKeys.DATA_DIR, ServerConfig.DEFAULT_DATA_DIR);
    String bindHost = host(byKey, ConfigKeys.BIND_HOST, ServerConfig.DEFAULT_BIND_HOST);
    String advertisedHost = host(byKey, ConfigKeys.ADVERTISED_HOST, defaultAdvertised(bindHost));

    Map<String, Integer> ports = new LinkedHashMap<>();
    Map<Integer, String> portOwners = new TreeMap<>();
    for (String door : ConfigKeys.DOORS) {
      String key = ConfigKeys.portKey(door);
      int port = port(byKey, key, ServerConfig.DEFAULT_PORTS.get(door));
      ports.put(door, port);
      String other = port == 0 ? null : portOwners.putIfAbsent(port, key);
      if (other != null) {
        throw new ConfigException(
            "invalid " + key + " " + port + describe(byKey, key) + ": " + other + " uses it too");
      }
    }

    FlushPolicy flush = FlushPolicy.DURABLE;
    Setting flushSetting = byKey.get(ConfigKeys.LOG_FLUSH);
    if (flushSetting != null) {
      try {
        flush = FlushPolicy.parse(flushSetting.value());
      } catch (IllegalArgumentException e) {
        throw invalid(flushSetting, e.getMessage());
      }
    }

    Map<String, String> logDefaults = new TreeMap<>();
    for (Setting s : byKey.values()) {
      if (ConfigKeys.isKnown(s.key()) && s.key().startsWith(ConfigKeys.LOG_PREFIX)) {
        logDefaults.put(s.key(), s.value().strip());
      }
    }
    logDefaults.put(ConfigKeys.LOG_FLUSH, flush.toString());
    for (String key : logDefaults.keySet()) {
      if (!LogSettings.isKnown(key)) {
        warnings.add("unknown log setting '" + key + "' is ignored");
      }
    }
    // Fail now, with exit code 2, rather than when storage starts.
    LogSettings.toEngineConfig(dataDir, flush, logDefaults);

    Map<String, String> doorSettings = new TreeMap<>();
    for (Setting s : byKey.values()) {
      if (KafkaSettings.isKnown(s.key())
          || EventStoreSettings.isKnown(s.key())
          || KinesisSettings.isKnown(s.key())
          || CoordinatorSettings.isKnown(s.key())) {
        doorSettings.put(s.key(), s.value().strip());
      }
    }
    KafkaSettings.check(doorSettings);
    EventStoreSettings.check(doorSettings);
    KinesisSettings.check(doorSettings);
    CoordinatorSettings.check(doorSettings);

    return new ServerConfig(
        dataDir, bindHost, advertisedHost, ports, flush, logDefaults, doorSettings, null, warnings);
  }

  private static Path path(Map<String, Setting> settings, String key, String dflt)
      throws ConfigException {
    Setting s = settings.get(key);
    String text = s == null ? dflt : s.value().strip();
    if (text.isEmpty()) {
      throw invalid(s, "must not be empty");
    }
    if (text.equals("~") || text.startsWith("~/")) {
      text = System.getProperty("user.home") + text.substring(1);
    }
    try {
      return Path.of(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw invalid(s, "not a valid path: " + e.getReason());
    }
  }

  private static String host(Map<String, Setting> settings, String key, String dflt)
      throws ConfigException {
    Setting s = settings.get(key);
    if (s == null) {
      return dflt;
    }
    String host = s.value().strip();
    if (host.isEmpty()) {
      throw invalid(s, "must not be empty");
    }
    if (host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
      throw invalid(s, "expected a host name or IP address");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // [::1] → ::1
    }
    return host;
  }

  private static String defaultAdvertised(String bindHost) {
    return isWildcard(bindHost) ? "localhost" : bindHost;
  }

  static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
  }

  private static int port(Map<String, Setting> settings, String key, int dflt)
      throws ConfigException {
    Setting s = settings.get(key);
    if (s == null) {
      return dflt;
    }
    int port;
    try {
      port = Integer.parseInt(s.value().strip());
    } catch (NumberFormatException e) {
      throw invalid(s, "expected a port number 0-65535 (0 picks a free port)");
    }
    if (port < 0 || port > 65535) {
      throw invalid(s, "expected a port number 0-65535 (0 picks a free port)");
    }
    return port;
  }

  private static String describe(Map<String, Setting> settings, String key) {
    Setting s = settings.get(key);
    return s == null ? " (default)" : " (from " + s.origin() + ")";
  }

  private static ConfigException invalid(Setting s, String problem) {
    return new ConfigException(
        "invalid "
            + s.key()
            + " '"
            + oneLine(s.value())
            + "' (from "
            + s.origin()
            + "): "
            + problem);
  }

  private static String kind(JsonNode node) {
    return node.isArray() ? "list" : node.isObject() ? "mapping" : node.getNodeType().toString();
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
