package dev.mnemo.deploy.testing;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** Which broker the integration tests run against. */
enum BrokerKind {

    /** Kafka in a container, when a Docker engine answers. */
    TESTCONTAINERS("testcontainers"),
    /** The in-process KRaft broker of this module. */
    EMBEDDED("embedded");

    private final String label;

    BrokerKind(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /**
     * The kind asked for, or, when none is asked for, a container if Docker answers and the
     * embedded broker otherwise.
     *
     * @param requested the value of {@code MNEMO_TEST_KAFKA}, or {@code null} or blank for automatic
     * @param dockerAvailable asked only when no kind is requested
     * @throws IllegalArgumentException if {@code requested} names no kind
     */
    static BrokerKind choose(String requested, BooleanSupplier dockerAvailable) {
        if (requested == null || requested.isBlank()) {
            return dockerAvailable.getAsBoolean() ? TESTCONTAINERS : EMBEDDED;
        }
        String wanted = requested.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(kind -> kind.label.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(KafkaFixture.KIND_SETTING + " must be one of "
                        + Arrays.stream(values()).map(BrokerKind::label).collect(Collectors.joining(", "))
                        + " (or unset for automatic), was '" + requested + "'"));
    }
}
