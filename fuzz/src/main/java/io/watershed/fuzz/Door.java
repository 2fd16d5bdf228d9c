package io.watershed.fuzz;

import java.util.Locale;

/** The front doors the harness fuzzes, with the port each listens on and its corpus folder. */
public enum Door {
  KAFKA("kafka"),
  KINESIS("kinesis"),
  EVENTSTORE("eventstore"),
  ADMIN("http");

  private final String portName;

  Door(String portName) {
    this.portName = portName;
  }

  /** The key of this door's port in the server's ports file. */
  public String portName() {
    return portName;
  }

  /** The folder of this door's seeds under {@code corpus/}, and its name on the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Door parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
