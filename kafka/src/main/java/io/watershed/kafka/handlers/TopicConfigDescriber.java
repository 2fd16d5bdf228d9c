package io.watershed.kafka.handlers;

import io.watershed.kafka.handlers.DescribedConfig.Synonym;
import io.watershed.log.LogConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * Describes a topic's configs as Kafka does: every entry of the {@link TopicConfigCatalog} with its
 * effective value and where that value comes from.
 *
 * <p>Precedence, highest first: the topic's own override ({@code TOPIC_CONFIG}); the broker-wide
 * default from the server configuration ({@code STATIC_BROKER_CONFIG}, named by Kafka's broker
 * config name, e.g. {@code log.retention.ms}); Kafka's built-in default ({@code DEFAULT_CONFIG}). A
 * server default is recognised by differing from Kafka's built-in default, so a server setting
 * equal to it is reported as {@code DEFAULT_CONFIG}: the value is the same either way. Fixed
 * configs are always {@code DEFAULT_CONFIG} and read-only.
 *
 * <p>Thread-safe: it holds only immutable configuration.
 */
final class TopicConfigDescriber {
  private final Map<String, String> serverDefaults;
  private final LogConfig brokerDefaults;
  private final Map<String, String> builtInDefaults = LogConfig.DEFAULTS.toMap();

  /**
   * @param brokerDefaults the log configuration a topic without overrides gets, i.e. Kafka's
   *     defaults with the server configuration's {@code log.*} settings applied
   */
  TopicConfigDescriber(LogConfig brokerDefaults) {
    this.brokerDefaults = brokerDefaults;
    this.serverDefaults = brokerDefaults.toMap();
  }

  /**
   * Describes a topic with these overrides, sorted by config name.
   *
   * @param overrides the topic's stored overrides, each a config the log honours
   * @throws IllegalArgumentException when an override is not a valid log config
   */
  List<DescribedConfig> describe(Map<String, String> overrides) {
    Map<String, String> effective = brokerDefaults.with(overrides).toMap();
    List<DescribedConfig> out = new ArrayList<>();
    for (TopicConfigCatalog.Entry e : TopicConfigCatalog.all()) {
      if (!e.honoured()) {
        out.add(fixed(e));
      } else if (overrides.containsKey(e.name()) && e.type() == ConfigType.LIST) {
        // Kafka shows a list in the order it was given (delete,compact stays so); the log writes
        // cleanup.policy back in a fixed order of its own.
        String asGiven = String.join(",", TopicOverridePolicy.listOf(overrides.get(e.name())));
        out.add(honoured(e, asGiven, true));
      } else {
        out.add(honoured(e, effective.get(e.name()), overrides.containsKey(e.name())));
      }
    }
    return out;
  }

  /**
   * The broker-wide default of a topic config as the broker resource shows it: under Kafka's broker
   * config name, with the server configuration's value if it sets one.
   */
  DescribedConfig brokerDefault(TopicConfigCatalog.Entry e) {
    String name = e.brokerName() == null ? e.name() : e.brokerName();
    if (!e.honoured()) {
      return fixedAs(e, name);
    }
    String value = serverDefaults.get(e.name());
    ConfigSource source =
        value.equals(builtInDefaults.get(e.name()))
            ? ConfigSource.DEFAULT_CONFIG
            : ConfigSource.STATIC_BROKER_CONFIG;
    List<Synonym> synonyms = new ArrayList<>();
    synonyms.add(new Synonym(name, value, source));
    if (source != ConfigSource.DEFAULT_CONFIG) {
      synonyms.add(new Synonym(name, builtInDefaults.get(e.name()), ConfigSource.DEFAULT_CONFIG));
    }
    return new DescribedConfig(
        name,
        value,
        source,
        true,
        List.copyOf(synonyms),
        e.type(),
        "The broker-wide default of the topic config " + e.name() + ".");
  }

  private DescribedConfig honoured(TopicConfigCatalog.Entry e, String value, boolean overridden) {
    String brokerName = e.brokerName() == null ? e.name() : e.brokerName();
    String serverValue = serverDefaults.get(e.name());
    String builtIn = builtInDefaults.get(e.name());
    List<Synonym> synonyms = new ArrayList<>();
    if (overridden) {
      synonyms.add(new Synonym(e.name(), value, ConfigSource.TOPIC_CONFIG));
    }
    if (!serverValue.equals(builtIn)) {
      synonyms.add(new Synonym(brokerName, serverValue, ConfigSource.STATIC_BROKER_CONFIG));
    }
    synonyms.add(new Synonym(brokerName, builtIn, ConfigSource.DEFAULT_CONFIG));
    return new DescribedConfig(
        e.name(),
        value,
        synonyms.getFirst().source(),
        false,
        List.copyOf(synonyms),
        e.type(),
        e.documentation());
  }

  private static DescribedConfig fixed(TopicConfigCatalog.Entry e) {
    return fixedAs(e, e.name());
  }

  private static DescribedConfig fixedAs(TopicConfigCatalog.Entry e, String name) {
    String synonymName = e.brokerName() == null ? e.name() : e.brokerName();
    return new DescribedConfig(
        name,
        e.fixedValue(),
        ConfigSource.DEFAULT_CONFIG,
        true,
        List.of(new Synonym(synonymName, e.fixedValue(), ConfigSource.DEFAULT_CONFIG)),
        e.type(),
        e.documentation());
  }
}
