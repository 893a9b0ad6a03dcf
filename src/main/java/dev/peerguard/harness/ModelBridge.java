package dev.peerguard.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sandbox's only way out: a Unix socket on the host whose every connection is piped to the one configured model
 * endpoint and nowhere else. Inside the sandbox (which has no network of its own) {@link LoopbackForwarder} listens
 * on loopback and connects to this socket; the agent therefore reaches exactly its model and nothing else.
 */
public final class ModelBridge implements AutoCloseable {
    private final Path dir;
    private final Path socket;
    private final InetSocketAddress endpoint;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();

    private ModelBridge(Path dir, InetSocketAddress endpoint) throws IOException {
        this.dir = dir;
        this.socket = dir.resolve("model.sock");
        this.endpoint = endpoint;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.acceptor = Thread.ofPlatform().daemon().name("model-bridge").start(this::accept);
    }

    /** Opens a bridge to {@code host:port} in a fresh private directory (Unix socket paths must be short). */
    public static ModelBridge open(String host, int port) {
        try {
            return new ModelBridge(Files.createTempDirectory("peerguard-bridge-"), new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the model bridge: " + e.getMessage(), e);
        }
    }

    /** The directory holding the socket, bound into the sandbox. */
    public Path directory() {
        return dir;
    }

    /** How many connections the agent opened to its model through the bridge. */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel inside;
            try {
                inside = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            Thread.ofVirtual().start(() -> connect(inside));
        }
    }

    private void connect(SocketChannel inside) {
        try (inside; SocketChannel outside = SocketChannel.open(endpoint)) {
            Thread back = Thread.ofVirtual().start(() -> pump(outside, inside));
            pump(inside, outside);
            back.join();
        } catch (IOException | InterruptedException e) {
            // the endpoint refused or the agent hung up: its client sees a closed connection, as over a network
        }
    }

    /** Copies one direction until end of stream, then half-closes the other side so the peer sees it. */
    static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) to.write(buffer);
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            acceptor.join(1000);
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        } catch (IOException | InterruptedException e) {
            // a leftover socket file in the temporary directory is harmless
        }
    }
}
