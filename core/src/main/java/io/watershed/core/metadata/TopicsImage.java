package io.watershed.core.metadata;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * All existing topics at one point in the log. Immutable, so it can be read from any thread without
 * locks.
 *
 * <p>Changes are copy-on-write: {@link #with} and {@link #without} copy both maps, O(topics) per
 * change, which is cheap for the thousands of topics a node holds. Should topic counts reach
 * hundreds of thousands, a persistent (structure-sharing) map can replace the copies behind the
 * same methods.
 *
 * <p>Invariant: {@code byName} and {@code byId} hold the same topics, and no two topics share a
 * name or an id.
 */
public final class TopicsImage {

  /** No topics. */
  public static final TopicsImage EMPTY = new TopicsImage(new TreeMap<>(), new HashMap<>());

  private final NavigableMap<String, TopicMetadata> byName;
  private final Map<UUID, TopicMetadata> byId;

  private TopicsImage(TreeMap<String, TopicMetadata> byName, HashMap<UUID, TopicMetadata> byId) {
    this.byName = Collections.unmodifiableNavigableMap(byName);
    this.byId = Collections.unmodifiableMap(byId);
  }

  /**
   * Builds an image holding {@code topics}.
   *
   * @throws IllegalArgumentException if two topics share a name or an id
   */
  static TopicsImage of(Collection<TopicMetadata> topics) {
    TreeMap<String, TopicMetadata> byName = new TreeMap<>();
    HashMap<UUID, TopicMetadata> byId = new HashMap<>();
    for (TopicMetadata topic : topics) {
      if (byName.put(topic.name(), topic) != null) {
        throw new IllegalArgumentException("duplicate topic name " + topic.name());
      }
      if (byId.put(topic.topicId(), topic) != null) {
        throw new IllegalArgumentException("duplicate topic id " + topic.topicId());
      }
    }
    return new TopicsImage(byName, byId);
  }

  /** Returns the topic called {@code name}, if it exists. */
  public Optional<TopicMetadata> topic(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Returns the topic whose id is {@code topicId}, if it exists. */
  public Optional<TopicMetadata> topicById(UUID topicId) {
    return Optional.ofNullable(byId.get(topicId));
  }

  /** Returns true if a topic called {@code name} exists. */
  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** Returns true if a topic has the id {@code topicId}. */
  public boolean containsId(UUID topicId) {
    return byId.containsKey(topicId);
  }

  /** Returns the number of topics. */
  public int size() {
    return byName.size();
  }

  /** Returns all topics by name, sorted by name; unmodifiable. */
  public NavigableMap<String, TopicMetadata> byName() {
    return byName;
  }

  /**
   * Returns an image in which {@code topic} replaces any topic of the same name.
   *
   * @throws IllegalArgumentException if that would change a topic's id or give two topics one id;
   *     appliers check this first, so it only guards the invariant
   */
  TopicsImage with(TopicMetadata topic) {
    TopicMetadata sameName = byName.get(topic.name());
    TopicMetadata sameId = byId.get(topic.topicId());
    if ((sameName != null && !sameName.topicId().equals(topic.topicId()))
        || (sameId != null && !sameId.name().equals(topic.name()))) {
      throw new IllegalArgumentException(
          "topic " + topic.name() + " with id " + topic.topicId() + " clashes with another topic");
    }
    TreeMap<String, TopicMetadata> names = new TreeMap<>(byName);
    HashMap<UUID, TopicMetadata> ids = new HashMap<>(byId);
    names.put(topic.name(), topic);
    ids.put(topic.topicId(), topic);
    return new TopicsImage(names, ids);
  }

  /** Returns an image without the topic called {@code name}, which must exist. */
  TopicsImage without(String name) {
    TreeMap<String, TopicMetadata> names = new TreeMap<>(byName);
    HashMap<UUID, TopicMetadata> ids = new HashMap<>(byId);
    TopicMetadata removed = names.remove(name);
    if (removed == null) {
      throw new IllegalArgumentException("no topic " + name);
    }
    ids.remove(removed.topicId());
    return new TopicsImage(names, ids);
  }

  /** Two images are equal when they hold equal topics. */
  @Override
  public boolean equals(Object other) {
    return other instanceof TopicsImage that && byName.equals(that.byName);
  }

  @Override
  public int hashCode() {
    return byName.hashCode();
  }

  @Override
  public String toString() {
    return "TopicsImage" + byName.values();
  }
}
