import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Start-up probe for bench/kafka-bench.sh, run as a single-file program started before the
 * broker, so that its own JVM start-up is not counted: tries to connect every 5 ms, sends a
 * Metadata request (v12, all topics) as soon as a connection is accepted, and prints the
 * milliseconds from the broker's launch (the epoch milliseconds the script writes into {@code
 * LAUNCH_FILE} just before launching it) to the answer, then those to the accepted connection.
 *
 * <p>A plain socket rather than a Kafka client: the clients back off exponentially between failed
 * connection attempts and requests (up to a second), which would add the client's waiting to the
 * broker's start-up.
 *
 * <pre>java -cp 'bench/work/kafka-lib/*' bench/kafka/FirstMetadata.java HOST:PORT LAUNCH_FILE</pre>
 */
public final class FirstMetadata {
  private static final short VERSION = 12;

  public static void main(String[] args) throws Exception {
    String[] hostPort = args[0].split(":");
    InetSocketAddress broker = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
    Path launchFile = Path.of(args[1]);
    MetadataRequest request =
        new MetadataRequest.Builder(new MetadataRequestData().setTopics(null)).build(VERSION);
    frame(request, 0); // loads and warms the serialisation code before the broker starts
    long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(180);
    for (int correlationId = 1; System.currentTimeMillis() < deadline; correlationId++) {
      try (Socket socket = new Socket()) {
        socket.connect(broker, 1000);
        long connectedAt = System.currentTimeMillis();
        if (socket.getLocalPort() == broker.getPort()) {
          // TCP self-connect: the port is in the ephemeral range and nothing listens on it yet,
          // so the kernel gave this socket the broker's port and connected it to itself.
          throw new ConnectException("connected to itself");
        }
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(60_000);
        DataOutputStream out =
            new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
        out.write(frame(request, correlationId));
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        long answeredAt = System.currentTimeMillis();
        if (ByteBuffer.wrap(response).getInt() != correlationId) {
          throw new IOException("answer to another request: correlation id " + ByteBuffer.wrap(response).getInt() + ", " + response.length + " bytes");
        }
        while (!Files.exists(launchFile)) {
          Thread.sleep(1);
        }
        long launchedAt = Long.parseLong(Files.readString(launchFile).trim());
        System.out.println((answeredAt - launchedAt) + " " + (connectedAt - launchedAt));
        return;
      } catch (ConnectException notListening) {
        Thread.sleep(5);
      } catch (IOException e) {
        System.err.println("attempt " + correlationId + ": " + e); // accepted, then failed
        Thread.sleep(5);
      }
    }
    System.err.println("no Metadata answer from " + args[0] + " within 180 s");
    System.exit(1);
  }

  /** The request as one frame: its length, then header and body. */
  private static byte[] frame(MetadataRequest request, int correlationId) {
    ByteBuffer body =
        request.serializeWithHeader(
            new RequestHeader(ApiKeys.METADATA, VERSION, "first-metadata", correlationId));
    ByteBuffer frame = ByteBuffer.allocate(4 + body.remaining());
    frame.putInt(body.remaining()).put(body).flip();
    return frame.array();
  }
}
