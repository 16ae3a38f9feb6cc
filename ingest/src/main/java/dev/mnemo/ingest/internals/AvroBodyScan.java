package dev.mnemo.ingest.internals;

import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its writer schema without building anything, checking that
 * every length and count fits in the bytes that remain.
 *
 * <p>Why: the Avro reader allocates an array or string as large as the count the data announces
 * before it reads the items, so a record of a few bytes that claims two billion floats would
 * exhaust the heap. Every item of a non-null type takes at least one byte, so a count larger than
 * the remaining bytes cannot be valid (arrays of nulls, which no Mnemo schema has, are held to the
 * same bound); this scan rejects such input before the real decoder runs.
 * It reads zig-zag varints as the Avro specification defines them and follows unions, records,
 * arrays, maps, enums and fixed values.
 *
 * <p>References: The Apache Software Foundation, "Apache Avro Specification", section "Binary
 * Encoding".
 */
final class AvroBodyScan {

    private static final int MAX_DEPTH = 64;

    private final byte[] bytes;
    private int position;

    private AvroBodyScan(byte[] bytes, int offset) {
        this.bytes = bytes;
        this.position = offset;
    }

    /**
     * Checks the body that starts at {@code offset}.
     *
     * @return null when the body fits, else a description of the first problem
     */
    static String check(byte[] bytes, int offset, Schema writer) {
        AvroBodyScan scan = new AvroBodyScan(bytes, offset);
        try {
            scan.skip(writer, 0);
            return null;
        } catch (Malformed e) {
            return e.getMessage() + " at byte " + scan.position;
        }
    }

    /**
     * Whether the body that starts at {@code offset} fits and ends exactly at the end of the bytes
     * (no trailing bytes).
     */
    static boolean fitsExactly(byte[] bytes, int offset, Schema writer) {
        AvroBodyScan scan = new AvroBodyScan(bytes, offset);
        try {
            scan.skip(writer, 0);
            return scan.position == bytes.length;
        } catch (Malformed e) {
            return false;
        }
    }

    private static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private int remaining() {
        return bytes.length - position;
    }

    private void need(long n, String what) {
        if (n < 0 || n > remaining()) {
            throw new Malformed(what + " needs " + n + " bytes but " + remaining() + " remain");
        }
        position += (int) n;
    }

    private long varLong() {
        long raw = 0;
        int shift = 0;
        while (true) {
            if (position >= bytes.length) {
                throw new Malformed("body ends inside a number");
            }
            int b = bytes[position++] & 0xFF;
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift > 63) {
                throw new Malformed("number longer than 10 bytes");
            }
        }
        return (raw >>> 1) ^ -(raw & 1);
    }

    private void skip(Schema schema, int depth) {
        if (depth > MAX_DEPTH) {
            throw new Malformed("nesting deeper than " + MAX_DEPTH);
        }
        switch (schema.getType()) {
            case NULL -> { }
            case BOOLEAN -> need(1, "boolean");
            case INT, LONG -> varLong();
            case FLOAT -> need(4, "float");
            case DOUBLE -> need(8, "double");
            case STRING, BYTES -> need(varLong(), schema.getType().getName());
            case FIXED -> need(schema.getFixedSize(), "fixed " + schema.getName());
            case ENUM -> {
                long symbol = varLong();
                if (symbol < 0 || symbol >= schema.getEnumSymbols().size()) {
                    throw new Malformed("enum " + schema.getName() + " has no symbol " + symbol);
                }
            }
            case UNION -> {
                long branch = varLong();
                if (branch < 0 || branch >= schema.getTypes().size()) {
                    throw new Malformed("union has no branch " + branch);
                }
                skip(schema.getTypes().get((int) branch), depth + 1);
            }
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    skip(field.schema(), depth + 1);
                }
            }
            case ARRAY -> blocks(schema.getElementType(), null, depth);
            case MAP -> blocks(schema.getValueType(), Schema.create(Schema.Type.STRING), depth);
            default -> throw new Malformed("unsupported type " + schema.getType());
        }
    }

    private void blocks(Schema item, Schema key, int depth) {
        while (true) {
            long count = varLong();
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                long size = varLong();
                if (size < 0 || size > remaining()) {
                    throw new Malformed("block of " + size + " bytes but " + remaining() + " remain");
                }
            }
            // Null items take no bytes, but no Mnemo schema has them: bounding every count keeps the walk finite.
            if (count > remaining()) {
                throw new Malformed("collection announces " + count + " items but " + remaining() + " bytes remain");
            }
            for (long i = 0; i < count; i++) {
                if (key != null) {
                    skip(key, depth + 1);
                }
                skip(item, depth + 1);
            }
        }
    }
}
