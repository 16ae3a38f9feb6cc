package dev.mnemo.ingest.dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * Loads the real datasets Mnemo streams: Fashion-MNIST, MNIST and the 8x8 handwritten digits.
 *
 * <p>Files are found by a {@link DatasetLocator} (cache folder first, then the package paths).
 * Nothing is downloaded and nothing is synthesised: when the files are missing the loaders throw
 * a {@link DatasetUnavailableException} that says what was tried and how to fetch the data.
 *
 * <table>
 *   <caption>Datasets</caption>
 *   <tr><th>name</th><th>train</th><th>test</th><th>features</th><th>scaling</th></tr>
 *   <tr><td>{@value #FASHION_MNIST}</td><td>60,000</td><td>10,000</td><td>28 x 28</td><td>/255</td></tr>
 *   <tr><td>{@value #MNIST}</td><td>60,000</td><td>10,000</td><td>28 x 28</td><td>/255</td></tr>
 *   <tr><td>{@value #DIGITS}</td><td>1,438</td><td>359</td><td>8 x 8</td><td>/16</td></tr>
 * </table>
 * The digits come as one set of 1,797 rows; {@link #load(String)} splits them 80/20, stratified
 * by class, with the fixed seed {@value #DIGITS_SPLIT_SEED} (see {@link #stratifiedSplit}).
 *
 * <pre>{@code
 * DatasetSplit data = Datasets.load(Datasets.firstAvailable("fashion-mnist", "mnist", "digits")
 *         .orElseThrow());
 * data.train().name();   // "fashion-mnist-train"
 * }</pre>
 *
 * <p>References: H. Xiao, K. Rasul and R. Vollgraf, "Fashion-MNIST: a novel image dataset for
 * benchmarking machine learning algorithms", arXiv:1708.07747, 2017. Y. LeCun, L. Bottou,
 * Y. Bengio and P. Haffner, "Gradient-based learning applied to document recognition",
 * Proceedings of the IEEE 86(11), 1998. E. Alpaydin and C. Kaynak, "Optical Recognition of
 * Handwritten Digits", UCI Machine Learning Repository, 1998.
 */
public final class Datasets {

    public static final String FASHION_MNIST = "fashion-mnist";
    public static final String MNIST = "mnist";
    public static final String DIGITS = "digits";
    /** Every dataset name, largest first. */
    public static final List<String> NAMES = List.of(FASHION_MNIST, MNIST, DIGITS);

    /** Seed of the digits train/test split done by {@link #load(String)}. */
    public static final long DIGITS_SPLIT_SEED = 42L;
    /** Fraction of the digits held out for testing by {@link #load(String)}. */
    public static final double DIGITS_TEST_FRACTION = 0.2;

    private static final int CLASSES = 10;

    private Datasets() {
    }

    /** Fashion-MNIST from the standard locations. */
    public static DatasetSplit fashionMnist() {
        return fashionMnist(DatasetLocator.standard());
    }

    /** Fashion-MNIST, found by the given locator. */
    public static DatasetSplit fashionMnist(DatasetLocator locator) {
        return readIdx(FASHION_MNIST, locator.fashionMnist());
    }

    /** MNIST from the standard locations. */
    public static DatasetSplit mnist() {
        return mnist(DatasetLocator.standard());
    }

    /** MNIST, found by the given locator. */
    public static DatasetSplit mnist(DatasetLocator locator) {
        return readIdx(MNIST, locator.mnist());
    }

    /** All 1,797 digits (named {@code digits}), from the standard locations. */
    public static LabelledData digits() {
        return digits(DatasetLocator.standard());
    }

    /** All 1,797 digits, found by the given locator; features divided by 16. */
    public static LabelledData digits(DatasetLocator locator) {
        CsvReader.Table table = CsvReader.read(locator.digits(), CsvReader.Options.labelLast());
        if (table.rows() == 0 || table.features()[0].length != 64) {
            throw new DatasetFormatException(locator.digits() + ": expected rows of 64 features and a label, got "
                    + (table.rows() == 0 ? "no rows" : table.features()[0].length + " features"));
        }
        return table.toLabelledData(DIGITS, CLASSES, 16f, new int[] {8, 8});
    }

    /**
     * Loads a dataset by name from the standard locations.
     *
     * @param name {@value #FASHION_MNIST}, {@value #MNIST} or {@value #DIGITS}
     * @throws IllegalArgumentException    for another name
     * @throws DatasetUnavailableException when the files are missing
     */
    public static DatasetSplit load(String name) {
        return load(name, DatasetLocator.standard());
    }

    /** Loads a dataset by name with the given locator; see {@link #load(String)}. */
    public static DatasetSplit load(String name, DatasetLocator locator) {
        return switch (requireKnown(name)) {
            case FASHION_MNIST -> fashionMnist(locator);
            case MNIST -> mnist(locator);
            default -> stratifiedSplit(digits(locator), DIGITS_TEST_FRACTION, DIGITS_SPLIT_SEED);
        };
    }

    /** The first of the given names whose files the standard locator finds. */
    public static Optional<String> firstAvailable(String... names) {
        return firstAvailable(DatasetLocator.standard(), names);
    }

    /**
     * The first of the given names whose files the locator finds; the files are not read.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static Optional<String> firstAvailable(DatasetLocator locator, String... names) {
        for (String name : names) {
            requireKnown(name);
        }
        return Arrays.stream(names).filter(locator::isAvailable).findFirst();
    }

    /**
     * Splits a dataset in two, class by class, so both parts keep its class proportions.
     *
     * <p>Algorithm: for each class c, its indices (ascending) are shuffled with one
     * {@link Random} seeded with {@code seed} (classes in increasing order) and the first
     * {@code round(n_c * testFraction)} go to the test part. Each part keeps the original order
     * of the samples. The parts are named {@code <name>-train} and {@code <name>-test}.
     *
     * @param testFraction in (0, 1)
     * @throws IllegalArgumentException when testFraction is outside (0, 1)
     */
    public static DatasetSplit stratifiedSplit(LabelledData data, double testFraction, long seed) {
        Objects.requireNonNull(data, "data");
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
        }
        Random random = new Random(seed);
        boolean[] test = new boolean[data.size()];
        for (int c = 0; c < data.classes(); c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                if (data.label(i) == c) {
                    members.add(i);
                }
            }
            int[] shuffled = members.stream().mapToInt(Integer::intValue).toArray();
            StreamOrder.shuffle(shuffled, random);
            long held = Math.round(shuffled.length * testFraction);
            for (int k = 0; k < held; k++) {
                test[shuffled[k]] = true;
            }
        }
        List<Integer> trainIdx = new ArrayList<>();
        List<Integer> testIdx = new ArrayList<>();
        for (int i = 0; i < test.length; i++) {
            (test[i] ? testIdx : trainIdx).add(i);
        }
        return new DatasetSplit(
                data.subset(trainIdx.stream().mapToInt(Integer::intValue).toArray(), data.name() + "-train"),
                data.subset(testIdx.stream().mapToInt(Integer::intValue).toArray(), data.name() + "-test"));
    }

    static String requireKnown(String name) {
        if (name == null || !NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown dataset '" + name + "'; known: " + String.join(", ", NAMES));
        }
        return name;
    }

    private static DatasetSplit readIdx(String name, DatasetLocator.IdxFiles files) {
        return new DatasetSplit(
                IdxReader.read(name + "-train", files.trainImages(), files.trainLabels(), CLASSES),
                IdxReader.read(name + "-test", files.testImages(), files.testLabels(), CLASSES));
    }
}
