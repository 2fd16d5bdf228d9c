package io.watershed.fuzz.mutate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Mutations of a header list, for HTTP/1.1 and HTTP/2 alike: control characters in names and
 * values, headers dropped or duplicated, edge-case lengths and content types, very long values,
 * upper-case names, and values from other headers.
 */
public final class HeaderMutations {
  private static final String[] CONTROL = {
    "\0", "\r", "\n", "\r\n", "\u007f", "\t", "\u001b", "\u00ff"
  };
  private static final String[] CONTENT_TYPES = {
    "application/x-amz-json-1.1",
    "application/x-amz-cbor-1.1",
    "application/x-amz-json-1.0",
    "application/json",
    "application/json; charset=utf-16",
    "application/grpc",
    "application/grpc+json",
    "application/grpc+proto; x=\u0000",
    "text/plain",
    "multipart/form-data; boundary=",
    "",
    ";;;",
    "application/x-amz-cbor-1.1; charset=\"",
  };
  private static final String[] LENGTHS = {
    "-1", "0", "1", "99999999999999999999", "2147483648", "0x10", " 12", "1e3", "", "abc", "+5"
  };

  private HeaderMutations() {}

  /** One random mutation of {@code headers}; returns a new list. */
  public static List<Map.Entry<String, String>> mutate(
      List<Map.Entry<String, String>> headers, SplittableRandom r) {
    List<Map.Entry<String, String>> h = new ArrayList<>(headers);
    if (h.isEmpty()) {
      h.add(Map.entry("x-fuzz", "1"));
    }
    int i = r.nextInt(h.size());
    Map.Entry<String, String> e = h.get(i);
    switch (r.nextInt(10)) {
      case 0 -> h.set(i, Map.entry(e.getKey(), insert(e.getValue(), pick(CONTROL, r), r)));
      case 1 -> h.set(i, Map.entry(insert(e.getKey(), pick(CONTROL, r), r), e.getValue()));
      case 2 -> h.remove(i);
      case 3 -> h.add(r.nextInt(h.size() + 1), e);
      case 4 -> set(h, "content-type", pick(CONTENT_TYPES, r));
      case 5 -> set(h, "content-length", pick(LENGTHS, r));
      case 6 -> h.set(i, Map.entry(e.getKey(), "x".repeat(r.nextBoolean() ? 9000 : 70_000)));
      case 7 -> h.set(i, Map.entry(e.getKey().toUpperCase(java.util.Locale.ROOT), e.getValue()));
      case 8 -> h.set(i, Map.entry(e.getKey(), h.get(r.nextInt(h.size())).getValue()));
      default ->
          h.set(
              i,
              Map.entry(
                  e.getKey(),
                  e.getValue().isEmpty()
                      ? "%"
                      : e.getValue().substring(0, r.nextInt(e.getValue().length()))));
    }
    return h;
  }

  /** Replaces every header {@code name} (case-insensitively) with one of {@code value}. */
  public static void set(List<Map.Entry<String, String>> h, String name, String value) {
    h.removeIf(x -> x.getKey().equalsIgnoreCase(name));
    h.add(Map.entry(name, value));
  }

  static String insert(String s, String what, SplittableRandom r) {
    int at = r.nextInt(s.length() + 1);
    return s.substring(0, at) + what + s.substring(at);
  }

  static String pick(String[] a, SplittableRandom r) {
    return a[r.nextInt(a.length)];
  }
}
