package io.watershed.kafka;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One plain socket speaking Kafka frames, for requests the real clients never send: APIs the Java
 * AdminClient no longer has (AlterConfigs), unknown API keys, unsupported versions, broken bodies.
 */
final class RawKafkaConnection implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private int nextCorrelationId = 1;

  RawKafkaConnection(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
    // One segment per frame: a length written apart from its body would wait out the broker's
    // delayed ACK (Nagle), some 40 ms per request.
    out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
  }

  /** Sends {@code request} at its version and returns the parsed response. */
  <R extends AbstractResponse> R send(AbstractRequest request, Class<R> responseType)
      throws IOException {
    return read(write(request), responseType);
  }

  /** Sends {@code request} without waiting for its response; returns its header. */
  RequestHeader write(AbstractRequest request) throws IOException {
    RequestHeader header =
        new RequestHeader(request.apiKey(), request.version(), "raw-test", nextCorrelationId++);
    ByteBuffer frame = request.serializeWithHeader(header);
    byte[] bytes = new byte[frame.remaining()];
    frame.get(bytes);
    writeFrame(bytes);
    return header;
  }

  /** Reads the next response, which must be the one to the request sent with {@code header}. */
  <R extends AbstractResponse> R read(RequestHeader header, Class<R> responseType)
      throws IOException {
    return responseType.cast(AbstractResponse.parseResponse(readFrame(), header));
  }

  /** Writes one frame: its length, then {@code bytes}. */
  void writeFrame(byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
  }

  /** Writes {@code bytes} as they are, with no length in front. */
  void writeRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * Reads until the broker closes the connection (failing after the socket timeout).
   *
   * @return how many bytes arrived before the close
   */
  int readToEnd() throws IOException {
    int total = 0;
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        total += n;
      }
    } catch (SocketException reset) {
      // A close with unread bytes in the broker's socket buffer arrives as a reset.
    }
    return total;
  }

  /** Reads one response frame, without its length. */
  ByteBuffer readFrame() throws IOException {
    int size = in.readInt();
    byte[] bytes = new byte[size];
    in.readFully(bytes);
    return ByteBuffer.wrap(bytes);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
