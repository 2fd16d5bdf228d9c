package io.watershed.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What a request target (the URL of the request line) may hold, checked before anything decodes it,
 * so that a bad one is answered 400 instead of failing inside a decoder:
 *
 * <ul>
 *   <li>only visible ASCII (RFC 3986: anything else is percent-encoded; Netty reads the request
 *       line as ISO-8859-1, so raw UTF-8 would arrive garbled);
 *   <li>every {@code %} followed by two hex digits;
 *   <li>the bytes the escapes stand for are UTF-8 (a name is never silently decoded with U+FFFD in
 *       place of what the client meant).
 * </ul>
 *
 * <p>The absolute form ({@code GET http://host:8080/health}), which RFC 9112 §3.2.2 requires
 * servers to accept, is reduced to its path and query.
 */
final class RequestTarget {
  private RequestTarget() {}

  /** A request target that cannot be decoded; its message says why, for the client. */
  static final class MalformedTargetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedTargetException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The target in origin form ({@code /path?query}), checked.
   *
   * @throws MalformedTargetException if it breaks one of the rules above
   */
  static String originForm(String target) {
    String t = target;
    int scheme =
        t.regionMatches(true, 0, "http://", 0, 7)
            ? 7
            : t.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
    if (scheme > 0) {
      int path = indexOfAny(t, scheme, "/?");
      t = path < 0 ? "/" : t.charAt(path) == '?' ? "/" + t.substring(path) : t.substring(path);
    }
    check(t);
    return t;
  }

  private static int indexOfAny(String s, int from, String chars) {
    for (int i = from; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static void check(String target) {
    byte[] bytes = new byte[target.length()];
    int n = 0;
    boolean escaped = false;
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new MalformedTargetException(
            String.format(
                "the URL holds the character 0x%02x at index %d: percent-encode its UTF-8 bytes",
                (int) c, i));
      }
      if (c == '%') {
        int hi = i + 2 < target.length() ? Character.digit(target.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(target.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          String escape = target.substring(i, Math.min(i + 3, target.length()));
          throw new MalformedTargetException(
              "the URL has a malformed percent-escape at index "
                  + i
                  + ": '"
                  + escape
                  + "' (a '%' must be followed by two hex digits; a literal '%' is %25)");
        }
        bytes[n++] = (byte) (hi << 4 | lo);
        escaped = true;
        i += 2;
      } else {
        bytes[n++] = (byte) c;
      }
    }
    if (!escaped) {
      return;
    }
    // A multi-byte sequence never spans a '/', '?', '&' or '=' (ASCII bytes are never part of
    // one), so checking the whole target checks each component.
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, n));
    } catch (CharacterCodingException e) {
      throw new MalformedTargetException(
          "the URL's percent-escapes are not UTF-8: names and values must be encoded as UTF-8");
    }
  }
}
