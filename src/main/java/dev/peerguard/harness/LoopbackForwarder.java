package dev.peerguard.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs inside the sandbox: listens on the sandbox's own loopback at the model endpoint's address and pipes each
 * connection through the Unix socket of {@link ModelBridge} to the host. Uses only the JDK, so it starts with the
 * sandbox's minimal class path. Usage: {@code LoopbackForwarder HOST:PORT SOCKET READY_FILE}.
 */
public final class LoopbackForwarder {
    private LoopbackForwarder() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: LoopbackForwarder HOST:PORT SOCKET READY_FILE");
            System.exit(2);
        }
        int colon = args[0].lastIndexOf(':');
        InetSocketAddress listen = new InetSocketAddress(args[0].substring(0, colon),
                Integer.parseInt(args[0].substring(colon + 1)));
        UnixDomainSocketAddress bridge = UnixDomainSocketAddress.of(Path.of(args[1]));
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(listen);
            Files.writeString(Path.of(args[2]), "ready\n");
            while (true) {
                SocketChannel agent = server.accept();
                Thread.ofVirtual().start(() -> forward(agent, bridge));
            }
        }
    }

    private static void forward(SocketChannel agent, UnixDomainSocketAddress bridge) {
        try (agent; SocketChannel host = SocketChannel.open(bridge)) {
            Thread back = Thread.ofVirtual().start(() -> ModelBridge.pump(host, agent));
            ModelBridge.pump(agent, host);
            back.join();
        } catch (IOException | InterruptedException e) {
            // the bridge is gone (the trial is ending): the agent sees a closed connection
        }
    }
}
