package dev.mnemo.system;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks, ten times a second on a thread of its own, that the broker process is alive and that its
 * port accepts connections: a crash of another process must never take the broker down.
 */
final class BrokerWatch implements AutoCloseable {

    /** What the watch saw: checks made, and the failed ones with what failed. */
    record Result(int checks, List<String> failures) {
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger checks = new AtomicInteger();
    private final List<String> failures = new ArrayList<>();
    private final Thread watcher;

    private BrokerWatch(int port, long pid) {
        watcher = new Thread(() -> {
            while (running.get()) {
                check(port, pid);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "broker-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Starts watching the broker process {@code pid} listening on {@code port}. */
    static BrokerWatch start(int port, long pid) {
        return new BrokerWatch(port, pid);
    }

    /** Stops watching and returns what was seen. */
    Result stop() throws InterruptedException {
        running.set(false);
        watcher.join(5_000);
        synchronized (failures) {
            return new Result(checks.get(), List.copyOf(failures));
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void check(int port, long pid) {
        checks.incrementAndGet();
        List<String> failed = new ArrayList<>();
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            failed.add("broker process " + pid + " is not alive");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 2_000);
        } catch (IOException e) {
            failed.add("port " + port + ": " + e);
        }
        if (!failed.isEmpty()) {
            synchronized (failures) {
                failures.addAll(failed);
            }
        }
    }
}
