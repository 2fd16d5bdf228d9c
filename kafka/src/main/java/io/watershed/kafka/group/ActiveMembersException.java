package io.watershed.kafka.group;

/** An administrative change refused because the group has members that would undo it. */
public final class ActiveMembersException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ActiveMembersException(String message) {
    super(message);
  }
}
