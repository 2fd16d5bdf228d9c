package io.watershed.kafka.group;

import java.util.List;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.protocol.Errors;

/**
 * The outcome of a LeaveGroup.
 *
 * @param error the request-level error; {@link Errors#NONE} when the members were looked at
 * @param members one answer per member named, in request order
 */
public record LeaveGroupResult(Errors error, List<MemberResponse> members) {}
