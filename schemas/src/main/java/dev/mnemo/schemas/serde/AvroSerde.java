package dev.mnemo.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for a generated Avro record, using Avro single-object encoding.
 *
 * <p>Each value is {@code C3 01}, the 8-byte fingerprint of the writer schema, then the Avro binary
 * body. No registry is needed: the decoder knows every released version of the record (see
 * {@link SchemaHistory}) and resolves an older writer against the current reader schema.
 *
 * <p>Decoding failures throw {@link SerializationException} whose cause tells why: {@link
 * MissingSchemaException} for an unknown writer schema (reason {@code schema}), {@link
 * BadHeaderException} for bytes that are not single-object encoded.
 *
 * <pre>{@code
 * Serde<Sample> serde = AvroSerde.of(Sample.class);
 * byte[] bytes = serde.serializer().serialize("mnemo.samples.raw", sample);
 * }</pre>
 *
 * <p>Thread-safe: the encoder and decoder may be shared.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroSerde(Class<T> type, List<Schema> extraWriters) {
        this.type = type;
        SpecificData model = modelFor(type);
        Schema current = SpecificData.get().getSchema(type);
        SchemaStore.Cache store = new SchemaStore.Cache();
        for (Schema old : SchemaHistory.versions(current.getName())) {
            store.addSchema(old);
        }
        for (Schema writer : extraWriters) {
            store.addSchema(writer);
        }
        this.encoder = new BinaryMessageEncoder<>(model, current);
        this.decoder = new BinaryMessageDecoder<>(model, current, store);
    }

    /**
     * The generated class's data model (it carries the logical-type conversions), re-bound to the
     * class's own class loader: Avro otherwise resolves record classes through a loader of its own,
     * which under a layered class loader (application servers, test frameworks) yields classes that
     * are not the ones the caller holds.
     */
    private static SpecificData modelFor(Class<?> type) {
        SpecificData generated = SpecificData.getForClass(type);
        SpecificData model = new SpecificData(type.getClassLoader());
        generated.getConversions().forEach(model::addLogicalTypeConversion);
        return model;
    }

    /** A serde for the given generated record class. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(Objects.requireNonNull(type, "type"), List.of());
    }

    /**
     * A serde that also decodes the given writer schemas, for example those of producers that are
     * not yet released in the history (a producer's own evolution, or a registry-provided schema).
     */
    public static <T extends SpecificRecord> AvroSerde<T> withExtraWriters(Class<T> type, List<Schema> writers) {
        return new AvroSerde<>(Objects.requireNonNull(type, "type"), List.copyOf(writers));
    }

    public Class<T> type() {
        return type;
    }

    /** Encodes without a topic; null in, null out. */
    public byte[] encode(T value) {
        if (value == null) {
            return null;
        }
        try {
            ByteBuffer buffer = encoder.encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | AvroRuntimeException e) {
            throw new SerializationException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Decodes single-object encoded bytes; null in, null out. */
    public T decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode " + type.getSimpleName() + ": " + describe(e), e);
        }
    }

    /** True when the bytes start with the single-object encoding marker {@code C3 01}. */
    public static boolean looksLikeSingleObject(byte[] bytes) {
        return bytes != null && bytes.length >= 10 && (bytes[0] & 0xFF) == 0xC3 && bytes[1] == 0x01;
    }

    private static String describe(Exception e) {
        if (e instanceof MissingSchemaException) {
            return "unknown writer schema (" + e.getMessage() + ")";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return encode(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return decode(data);
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // configured by construction
    }

    @Override
    public void close() {
        // nothing to release; a serde is shared by design
    }
}
