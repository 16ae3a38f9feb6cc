package dev.mnemo.learner.strategy;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.replay.CompactReplayBuffer;

/**
 * What one {@link ContinualStrategy} keeps across a restart, as named parts of three kinds that a
 * checkpoint knows how to write without knowing the strategy: small properties (text), networks
 * ({@link Classifier}, saved with {@link Classifier#save}) and replay buffers
 * ({@link CompactReplayBuffer}, saved as a replay snapshot).
 *
 * <p>Why parts and not bytes: the large parts already have crash-safe, verified writers (the model
 * zip with its optimiser state, the replay snapshot), and a checkpoint checksums each file; a
 * strategy only names its parts. The {@code version} is the strategy's own format of this state:
 * a strategy that changes what it keeps raises it and still reads the versions before.
 *
 * <p>The networks and buffers are the live objects, not copies: hand the state to a checkpoint on
 * the thread that trains, between steps.
 *
 * <pre>{@code
 * StrategyState s = StrategyState.of(1, Map.of("seen", "0,1,2", "warmup-left", "0"))
 *         .withNetwork("teacher", teacher);
 * s.property("seen");                      // Optional[0,1,2]
 * s.network("teacher");                    // Optional[the teacher]
 * }</pre>
 *
 * @param version    the strategy's format of this state, at least 1
 * @param properties small values by key; keys match {@code [a-z][a-z0-9.-]*}, values are non-null
 * @param networks   networks by part name ({@code [a-z][a-z0-9-]*})
 * @param buffers    replay buffers by part name ({@code [a-z][a-z0-9-]*})
 */
public record StrategyState(int version, Map<String, String> properties, Map<String, Classifier> networks,
                            Map<String, CompactReplayBuffer> buffers) {

    /** Part names: they become file and directory names in a checkpoint. */
    public static final Pattern PART_NAME = Pattern.compile("[a-z][a-z0-9-]*");
    /** Property keys. */
    public static final Pattern PROPERTY_KEY = Pattern.compile("[a-z][a-z0-9.-]*");

    public StrategyState {
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, got " + version);
        }
        properties = checked(properties, PROPERTY_KEY, "property key");
        networks = checked(networks, PART_NAME, "network name");
        buffers = checked(buffers, PART_NAME, "buffer name");
    }

    /**
     * A deep copy: every network and buffer copied, so it can be written on another thread while
     * the strategy trains on.
     *
     * @throws IllegalStateException when a buffer cannot be copied
     */
    public StrategyState detached() {
        Map<String, Classifier> nets = new java.util.LinkedHashMap<>();
        networks.forEach((name, net) -> nets.put(name, net.copy()));
        Map<String, CompactReplayBuffer> bufs = new java.util.LinkedHashMap<>();
        buffers.forEach((name, buffer) -> {
            try {
                bufs.put(name, dev.mnemo.replay.ReplaySnapshots.copy(buffer));
            } catch (dev.mnemo.replay.ReplayStoreException e) {
                throw new IllegalStateException("cannot copy replay buffer " + name + ": " + e.getMessage(), e);
            }
        });
        return new StrategyState(version, properties, nets, bufs);
    }

    /** A state of the given version with properties only. */
    public static StrategyState of(int version, Map<String, String> properties) {
        return new StrategyState(version, properties, Map.of(), Map.of());
    }

    /** Version 1, nothing kept: the state of a strategy whose behaviour does not depend on the past. */
    public static StrategyState none() {
        return of(1, Map.of());
    }

    /** This state with one more network (or another one under that name). */
    public StrategyState withNetwork(String name, Classifier network) {
        Map<String, Classifier> more = new TreeMap<>(networks);
        more.put(name, network);
        return new StrategyState(version, properties, more, buffers);
    }

    /** This state with one more replay buffer (or another one under that name). */
    public StrategyState withBuffer(String name, CompactReplayBuffer buffer) {
        Map<String, CompactReplayBuffer> more = new TreeMap<>(buffers);
        more.put(name, buffer);
        return new StrategyState(version, properties, networks, more);
    }

    /** The property, if kept. */
    public Optional<String> property(String key) {
        return Optional.ofNullable(properties.get(key));
    }

    /** The network, if kept. */
    public Optional<Classifier> network(String name) {
        return Optional.ofNullable(networks.get(name));
    }

    /** The replay buffer, if kept. */
    public Optional<CompactReplayBuffer> buffer(String name) {
        return Optional.ofNullable(buffers.get(name));
    }

    /** Whether nothing is kept (no property, network or buffer). */
    public boolean isEmpty() {
        return properties.isEmpty() && networks.isEmpty() && buffers.isEmpty();
    }

    private static <V> Map<String, V> checked(Map<String, V> parts, Pattern names, String what) {
        if (parts == null) {
            throw new IllegalArgumentException(what + "s must be non-null (use Map.of())");
        }
        Map<String, V> out = new TreeMap<>();
        parts.forEach((name, value) -> {
            if (name == null || !names.matcher(name).matches()) {
                throw new IllegalArgumentException(what + " must match " + names + ", got '" + name + "'");
            }
            if (value == null) {
                throw new IllegalArgumentException(what + " '" + name + "' has a null value");
            }
            out.put(name, value);
        });
        return Collections.unmodifiableMap(out);
    }
}
