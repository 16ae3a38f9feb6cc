package dev.mnemo.deploy.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Finds free TCP ports on the loopback interface, and tells whether a given one is taken. */
final class LoopbackPorts {

    static final String HOST = "127.0.0.1";

    private LoopbackPorts() {
    }

    /**
     * A port that was free a moment ago. Another process may take it before the broker binds it,
     * which is why {@link EmbeddedKafka} retries a start whose ports it picked itself.
     */
    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, loopback())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new EmbeddedKafkaException("could not find a free port on " + HOST + ": " + e.getMessage(), e);
        }
    }

    /** Whether something already listens on, or holds, this port of the loopback interface. */
    static boolean inUse(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // Without SO_REUSEADDR a port in TIME_WAIT reads as taken: the broker sets it, so match it.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), port), 1);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static InetAddress loopback() throws IOException {
        return InetAddress.getByName(HOST);
    }
}
