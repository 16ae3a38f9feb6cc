package dev.mnemo.replay.bench;

import dev.mnemo.replay.CompactReplayBuffer;
import dev.mnemo.replay.ReplayStats;
import dev.mnemo.replay.storage.SampleFormat;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Measures the heap and off-heap memory a full 100 000 x 784 UINT8 buffer holds: heap used after a
 * full collection, with and without the buffer, plus the JVM's direct and mapped buffer pools.
 * Arguments: policy (default reservoir), capacity (default 100000).
 */
public final class FootprintProbe {

    private FootprintProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        String policy = args.length > 0 ? args[0] : "reservoir";
        int capacity = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        long heapBefore = settledHeap();
        long offHeapBefore = offHeap();
        CompactReplayBuffer buffer = Fixtures.filled(policy, SampleFormat.uint8(Fixtures.DIMS), capacity, 42L);
        long heapAfter = settledHeap();
        long offHeapAfter = offHeap();
        ReplayStats stats = buffer.stats();
        double mb = 1_000_000.0;
        System.out.printf("policy=%s size=%d capacity=%d%n", policy, stats.size(), stats.capacity());
        System.out.printf("heap retained      %10.2f MB%n", (heapAfter - heapBefore) / mb);
        System.out.printf("off-heap retained  %10.2f MB%n", (offHeapAfter - offHeapBefore) / mb);
        System.out.printf("stats().bytesUsed  %10.2f MB (%.1f B/sample, raw 784 B)%n",
                stats.bytesUsed() / mb, stats.bytesPerSlot());
        System.out.println(buffer.size()); // keeps the buffer reachable until after the measurement
    }

    private static long settledHeap() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long offHeap() {
        long used = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            used += pool.getMemoryUsed();
        }
        return used;
    }
}
