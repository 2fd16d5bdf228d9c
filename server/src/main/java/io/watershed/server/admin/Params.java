package io.watershed.server.admin;

import io.watershed.server.http.Request;

/** Query parameters with their limits: a value that does not parse or is out of range is a 400. */
final class Params {
  private Params() {}

  static long integer(Request request, String name, long fallback, long min, long max) {
    String raw = request.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(raw.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("'" + name + "' must be an integer, not '" + raw + "'");
    }
    if (n < min || n > max) {
      throw ApiException.badRequest("'" + name + "' must be between " + min + " and " + max);
    }
    return n;
  }

  /** An optional integer parameter: null when absent. */
  static Long optionalInteger(Request request, String name, long min, long max) {
    String raw = request.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    return integer(request, name, 0, min, max);
  }

  /** One of {@code allowed} (case-insensitive), or {@code fallback} when absent. */
  static String choice(Request request, String name, String fallback, String... allowed) {
    String raw = request.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    for (String a : allowed) {
      if (a.equalsIgnoreCase(raw.strip())) {
        return a;
      }
    }
    throw ApiException.badRequest(
        "'" + name + "' must be one of " + String.join(", ", allowed) + ", not '" + raw + "'");
  }

  static boolean bool(Request request, String name, boolean fallback) {
    String v = choice(request, name, fallback ? "true" : "false", "true", "false");
    return v.equals("true");
  }

  /** A partition number path parameter. */
  static int partition(Request request) {
    String raw = request.pathParam("partition");
    try {
      int p = Integer.parseInt(raw);
      if (p >= 0) {
        return p;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest("partition must be a number ≥ 0, not '" + raw + "'");
  }
}
