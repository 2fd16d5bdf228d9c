package io.watershed.kafka;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a Kafka test server that can cut off one client as if its process died:
 * {@link #cut} closes every connection whose requests carry that client id and refuses its new
 * ones, so the client's heartbeats stop reaching the broker while the client object lives on.
 *
 * <p>The server must advertise the proxy's port, so that the clients' connections to the
 * coordinator and the partition leader pass through it too. The target may change (a restarted
 * server listens on a new port) while the proxy's own port stays.
 */
final class ClientCuttingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final Set<String> cut = ConcurrentHashMap.newKeySet();
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private volatile int targetPort;

  ClientCuttingProxy() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Sends new connections to {@code port}; existing ones are closed (the old server is gone). */
  void forwardTo(int port) {
    targetPort = port;
    links.forEach(Link::close);
  }

  /** Cuts the client off: its connections close and new ones are refused. */
  void cut(String clientId) {
    cut.add(clientId);
    links.stream().filter(l -> clientId.equals(l.clientId)).forEach(Link::close);
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Link link = new Link(client);
        links.add(link);
        Thread t = new Thread(link::run, "proxy-link");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    links.forEach(Link::close);
  }

  /** One client connection and its connection to the server. */
  private final class Link {
    private final Socket client;
    private volatile Socket server;
    private volatile String clientId;

    Link(Socket client) {
      this.client = client;
    }

    void run() {
      try {
        // The first request tells who the client is: size, api key, version, correlation id,
        // then the client id as a 16-bit length and its bytes.
        DataInputStream in = new DataInputStream(client.getInputStream());
        int size = in.readInt();
        byte[] frame = new byte[size];
        in.readFully(frame);
        ByteBuffer header = ByteBuffer.wrap(frame);
        header.position(8);
        short length = header.getShort();
        clientId = length < 0 ? "" : new String(frame, 10, length, StandardCharsets.UTF_8);
        if (cut.contains(clientId)) {
          close();
          return;
        }
        server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        OutputStream toServer = server.getOutputStream();
        toServer.write(ByteBuffer.allocate(4).putInt(size).array());
        toServer.write(frame);
        Thread back = new Thread(() -> pump(server, client), "proxy-pump");
        back.setDaemon(true);
        back.start();
        pump(client, server);
      } catch (IOException e) {
        close();
      }
    }

    private void pump(Socket from, Socket to) {
      byte[] buffer = new byte[64 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (cut.contains(clientId)) {
            break;
          }
          out.write(buffer, 0, n);
        }
      } catch (IOException e) {
        // The other side closed; close both below.
      }
      close();
    }

    void close() {
      links.remove(this);
      closeQuietly(client);
      closeQuietly(server);
    }

    private static void closeQuietly(Socket s) {
      if (s != null) {
        try {
          s.close();
        } catch (IOException e) {
          // Already closed.
        }
      }
    }
  }
}
