package io.watershed.kafka.handlers;

import java.util.List;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * One configuration as DescribeConfigs and CreateTopics (v5+) report it, before it is put into
 * either response's message class.
 *
 * @param name the config name, as Kafka spells it
 * @param value its effective value, as a config string
 * @param source where the value comes from: a topic override, the server configuration, or the
 *     built-in default
 * @param readOnly whether no request can change it
 * @param synonyms every place the value could come from, highest precedence first; the first is the
 *     one in effect
 * @param type the value's data type
 * @param documentation what the config does
 */
record DescribedConfig(
    String name,
    String value,
    ConfigSource source,
    boolean readOnly,
    List<Synonym> synonyms,
    ConfigType type,
    String documentation) {

  /** One place a config's value can come from. */
  record Synonym(String name, String value, ConfigSource source) {}
}
