package dev.mnemo.ingest.internals;

import dev.mnemo.schemas.DeadLetters;

/** The checks every raw value passes before it is decoded: present, not empty, not too large. */
final class Envelope {

    private Envelope() {
    }

    /**
     * @param value          the record value, possibly null
     * @param maxRecordBytes the size limit
     * @param what           what the value should be, for the message ("a sample", "a label")
     * @return the rejection, or null when the value may be decoded
     */
    static Verdict.Rejected check(byte[] value, int maxRecordBytes, String what) {
        if (value == null) {
            return new Verdict.Rejected(DeadLetters.UNDECODABLE, "value is null (a tombstone), expected " + what);
        }
        if (value.length > maxRecordBytes) {
            return new Verdict.Rejected(DeadLetters.TOO_LARGE, "value is " + value.length
                    + " bytes, more than the limit of " + maxRecordBytes);
        }
        if (value.length == 0) {
            return new Verdict.Rejected(DeadLetters.UNDECODABLE, "value is empty, expected " + what);
        }
        return null;
    }
}
