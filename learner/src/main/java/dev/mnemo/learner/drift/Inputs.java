package dev.mnemo.learner.drift;

/** Input checks shared by the detectors; kept out of the public interfaces. */
final class Inputs {

    private Inputs() {
    }

    static void requireFinite(double x) {
        if (!(Math.abs(x) <= Double.MAX_VALUE)) {
            throw new IllegalArgumentException("drift detector input must be finite, got " + x);
        }
    }

    static void requireBinary(double x) {
        if (x != 0.0 && x != 1.0) {
            throw new IllegalArgumentException("binary drift detector input must be 0 or 1, got " + x);
        }
    }

    static void requireUnitInterval(double x) {
        if (!(x >= 0.0 && x <= 1.0)) {
            throw new IllegalArgumentException("drift detector input must be in [0, 1], got " + x);
        }
    }
}
