package io.watershed.kafka.group;

import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.metadata.TopicMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Resolves what consumer-group members subscribe to, by topic name or by regular expression
 * (matched against whole names, as Kafka's RE2J patterns are), into the existing topics with their
 * ids and partition counts. Keeps compiled patterns. Confined to the coordinator's scheduler.
 */
final class TopicSubscriptions {
  private final TopicLookup persistence;
  private final Map<String, Pattern> patterns = new HashMap<>();

  TopicSubscriptions(TopicLookup persistence) {
    this.persistence = persistence;
  }

  /** The existing topics the members subscribe to, by name or by regex. */
  Map<String, SubscribedTopic> resolve(Collection<ConsumerMemberRecord> members) {
    Set<String> names = new TreeSet<>();
    List<Pattern> regexes = new ArrayList<>();
    for (ConsumerMemberRecord m : members) {
      names.addAll(m.subscribedTopicNames());
      if (m.subscribedTopicRegex() != null) {
        regexes.add(pattern(m.subscribedTopicRegex()));
      }
    }
    Map<String, SubscribedTopic> out = new TreeMap<>();
    if (!regexes.isEmpty()) {
      for (TopicMetadata t : persistence.topics()) {
        if (regexes.stream().anyMatch(p -> p.matcher(t.name()).matches())) {
          out.put(t.name(), new SubscribedTopic(t.topicId(), t.partitionCount()));
        }
      }
    }
    for (String name : names) {
      persistence
          .topic(name)
          .ifPresent(t -> out.put(name, new SubscribedTopic(t.topicId(), t.partitionCount())));
    }
    return out;
  }

  /** The topic names {@code member} subscribes to among {@code known}, by name or by regex. */
  Set<String> namesOf(ConsumerMemberRecord member, Collection<String> known) {
    Set<String> names = new TreeSet<>(member.subscribedTopicNames());
    if (member.subscribedTopicRegex() != null) {
      Pattern pattern = pattern(member.subscribedTopicRegex());
      for (String name : known) {
        if (pattern.matcher(name).matches()) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** The compiled pattern; the cache is dropped when it grows past 1000 patterns. */
  private Pattern pattern(String regex) {
    if (patterns.size() > 1000) {
      patterns.clear();
    }
    return patterns.computeIfAbsent(regex, Pattern::compile);
  }
}
