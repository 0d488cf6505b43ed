package io.cnnkit.cli;

import io.cnnkit.train.TrainingNetwork;
import io.cnnkit.train.data.Augmentation;
import io.cnnkit.train.data.BatchLoader;
import io.cnnkit.train.data.DataException;
import io.cnnkit.train.data.DataSources;
import io.cnnkit.train.data.Dataset;
import picocli.CommandLine.Option;

/** Options shared by {@code cnn train} and {@code cnn eval}: how stored images become network inputs. */
final class DataOptions {
    static final String SPECS = "fashion-mnist:train|test, idx:IMAGES,LABELS, cifar10:FILE[,FILE...],"
            + " safetensors:FILE (images [N,C,H,W] float32|uint8, labels [N] int64) or folder:ROOT (ROOT/CLASS/*.png|jpg|bmp)";

    @Option(names = "--pad", paramLabel = "P", defaultValue = "0",
            description = "zero-pad every image by P pixels on each side first (28x28 Fashion-MNIST into LeNet-5's 32x32: 2)")
    int pad;

    @Option(names = "--mean", split = ",", paramLabel = "M", description = "per-channel mean subtracted from pixels in [0, 1] (default 0)")
    float[] mean;

    @Option(names = "--std", split = ",", paramLabel = "S", description = "per-channel standard deviation to divide by (default 1)")
    float[] std;

    @Option(names = "--limit", paramLabel = "N", description = "use only the first N samples of each data set")
    Integer limit;

    @Option(names = "--skip-unreadable", description = "skip images that cannot be read (counted) instead of stopping")
    boolean skipUnreadable;

    /** Opens a data set for {@code net}, checking its shape and labels against the network. */
    Dataset open(String spec, TrainingNetwork net, Augmentation augmentation) {
        int[] input = inputShape(net);
        Dataset data = DataSources.open(spec, input);
        if (limit != null) {
            if (limit < 1) {
                throw new DataException("--limit must be at least 1");
            }
            data = DataSources.limit(data, limit);
        }
        if (data.size() == 0) {
            throw new DataException(data.describe() + ": no samples");
        }
        augmentation.check(data.shape(), input, net.input().name());
        BatchLoader.checkLabels(data, net.classes());
        return data;
    }

    static int[] inputShape(TrainingNetwork net) {
        if (!net.inputShape().isMap()) {
            throw new DataException("the network's input '" + net.input().name() + "' is " + net.inputShape()
                    + "; training reads images, so it must be CxHxW");
        }
        return net.inputShape().dims().stream().mapToInt(Long::intValue).toArray();
    }

    /** Padding and normalisation only: evaluation's transform. */
    Augmentation evaluation(int channels) {
        return training(channels, 0, false, false);
    }

    Augmentation training(int channels, int cropPadding, boolean flip, boolean randomResizedCrop) {
        float[] m = mean == null ? new float[channels] : mean;
        float[] s = std;
        if (s == null) {
            s = new float[m.length];
            java.util.Arrays.fill(s, 1f);
        }
        return new Augmentation(pad, cropPadding, flip, randomResizedCrop, m, s);
    }
}
