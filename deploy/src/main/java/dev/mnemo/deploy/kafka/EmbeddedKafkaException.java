package dev.mnemo.deploy.kafka;

/**
 * The broker could not be started, reached or stopped.
 *
 * <p>This is the one exception root of the deploy module for failures a caller may handle: a port
 * already in use, a data directory that cannot be formatted or belongs to another node, or a
 * broker that did not answer in time. The message says what went wrong and what was tried; the
 * cause, when there is one, is the broker's own exception.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaOptions.defaults().withPort(9092))) {
 *     ...
 * } catch (EmbeddedKafkaException e) {
 *     System.err.println(e.getMessage()); // "port 9092 on 127.0.0.1 is already in use ..."
 * }
 * }</pre>
 */
public class EmbeddedKafkaException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** An exception with a message that says what went wrong. */
    public EmbeddedKafkaException(String message) {
        super(message);
    }

    /** An exception with a message that says what went wrong, and the broker's own exception. */
    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
