package io.watershed.server.config;

/**
 * A configuration that cannot be used: a bad value, a missing or unreadable file. The message is
 * one line meant for the user (it names the key, the value and where the value came from).
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
