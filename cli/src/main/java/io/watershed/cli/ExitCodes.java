package io.watershed.cli;

/**
 * Exit codes of the administrative commands, which scripts may rely on.
 *
 * <table>
 *   <tr><td>0</td><td>done</td></tr>
 *   <tr><td>1</td><td>the server failed (HTTP 5xx) or something unexpected went wrong</td></tr>
 *   <tr><td>2</td><td>bad usage: unknown option, bad value, or a request the server refused as
 *       invalid (HTTP 400, 405, 413)</td></tr>
 *   <tr><td>3</td><td>the server cannot be reached (connection refused, unknown host, time-out)</td></tr>
 *   <tr><td>4</td><td>not found (HTTP 404, 410): no such topic, group, stream …</td></tr>
 *   <tr><td>5</td><td>conflict (HTTP 403, 409): exists already, wrong expected revision, a group with
 *       active members, an internal topic</td></tr>
 * </table>
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;
  public static final int UNREACHABLE = 3;
  public static final int NOT_FOUND = 4;
  public static final int CONFLICT = 5;

  /** The footer every command's help ends with. */
  public static final String FOOTER =
      "Exit codes: 0 ok, 1 server failure, 2 bad usage or invalid request, 3 server unreachable,"
          + " 4 not found, 5 conflict.";

  private ExitCodes() {}

  /** The exit code for an HTTP error status. */
  static int ofStatus(int status) {
    return switch (status) {
      case 404, 410 -> NOT_FOUND;
      case 403, 409 -> CONFLICT;
      case 400, 405, 413, 414, 422 -> USAGE;
      default -> FAILURE;
    };
  }
}
