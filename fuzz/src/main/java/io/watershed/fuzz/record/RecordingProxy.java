package io.watershed.fuzz.record;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a loopback port that forwards every connection to the server and keeps what each
 * client sent, byte for byte, labelled with the scenario that was running when it connected. The
 * server's answers pass through unrecorded.
 */
public final class RecordingProxy implements AutoCloseable {
  /** The bytes one client connection sent, in order. */
  public record Recording(String label, int sequence, byte[] clientBytes) {}

  private final ServerSocket listener;
  private final List<Recording> recordings = new ArrayList<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private final Thread acceptor;
  private volatile int targetPort;
  private volatile String label = "unlabelled";

  public RecordingProxy() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = Thread.ofPlatform().daemon().name("proxy-accept").start(this::acceptLoop);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Where connections go from now on (the server's port, known once it has started). */
  public void target(int port) {
    this.targetPort = port;
  }

  /** The label of the connections accepted from now on. */
  public void label(String label) {
    this.label = label;
  }

  /** The recordings of the connections closed so far, in the order they were accepted. */
  public synchronized List<Recording> recordings() {
    List<Recording> out = new ArrayList<>(recordings);
    out.sort(java.util.Comparator.comparingInt(Recording::sequence));
    return out;
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      String l = label;
      int seq = sequence.incrementAndGet();
      Thread.ofPlatform().daemon().name("proxy-" + seq).start(() -> relay(client, l, seq));
    }
  }

  private void relay(Socket client, String l, int seq) {
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    try (client;
        Socket server = new Socket()) {
      server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
      Thread back =
          Thread.ofPlatform()
              .daemon()
              .name("proxy-back-" + seq)
              .start(() -> pump(server, client, null));
      pump(client, server, sent);
      back.join(10_000);
    } catch (IOException e) {
      // The client or the server went away; what was sent until then is the recording.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (sent.size() > 0) {
        recordings.add(new Recording(l, seq, sent.toByteArray()));
      }
    }
  }

  /** Copies until end of stream, then half-closes the other side so it sees the end too. */
  private static void pump(Socket from, Socket to, ByteArrayOutputStream copy) {
    byte[] buf = new byte[64 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        out.write(buf, 0, n);
        out.flush();
        if (copy != null) {
          copy.write(buf, 0, n);
        }
      }
      to.shutdownOutput();
    } catch (IOException e) {
      try {
        to.close();
        from.close();
      } catch (IOException ignored) {
        // Both are being torn down.
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    try {
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
