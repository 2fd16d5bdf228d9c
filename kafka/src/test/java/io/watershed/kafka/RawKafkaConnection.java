package io.watershed.kafka;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
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
    out = new DataOutputStream(socket.getOutputStream());
  }

  /** Sends {@code request} at its version and returns the parsed response. */
  <R extends AbstractResponse> R send(AbstractRequest request, Class<R> responseType)
      throws IOException {
    RequestHeader header =
        new RequestHeader(request.apiKey(), request.version(), "raw-test", nextCorrelationId++);
    ByteBuffer frame = request.serializeWithHeader(header);
    byte[] bytes = new byte[frame.remaining()];
    frame.get(bytes);
    writeFrame(bytes);
    return responseType.cast(AbstractResponse.parseResponse(readFrame(), header));
  }

  /** Writes one frame: its length, then {@code bytes}. */
  void writeFrame(byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
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
