package io.watershed.kafka.group;

import java.util.UUID;

/**
 * A topic a consumer group subscribes to, as far as assignment cares: a change of either part (the
 * topic was recreated, or grew) means the group must be assigned again.
 *
 * @param topicId the topic's id
 * @param partitions its partition count
 */
record SubscribedTopic(UUID topicId, int partitions) {}
