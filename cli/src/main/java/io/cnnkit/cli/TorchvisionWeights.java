package io.cnnkit.cli;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * torchvision's published ImageNet weights for the zoo's torchvision-layout networks, as listed
 * in torchvision 0.14's {@code models/*.py}: the URL, whose file name carries the first hex
 * digits of the file's SHA-256 (torchvision checks that prefix on download), and the parameter
 * count torchvision states, which a {@code .cnn} must have (inference, auxiliary heads excluded)
 * to be offered them.
 *
 * @param name       the name {@code cnn weights fetch} takes
 * @param network    the {@code network} name of the zoo file these weights fit
 * @param url        torchvision's download URL
 * @param parameters torchvision's {@code num_params}
 * @param top1       torchvision's ImageNet top-1 accuracy, %
 */
record TorchvisionWeights(String name, String network, String url, long parameters, double top1) {
    private static final String BASE = "https://download.pytorch.org/models/";
    private static final Pattern HASH_PREFIX = Pattern.compile("-([a-f0-9]+)\\.");

    static final List<TorchvisionWeights> ALL = List.of(
            new TorchvisionWeights("alexnet", "AlexNetTorchvision", BASE + "alexnet-owt-7be5be79.pth", 61_100_840, 56.522),
            new TorchvisionWeights("googlenet", "GoogLeNetTorchvision", BASE + "googlenet-1378be20.pth", 6_624_904, 69.778),
            new TorchvisionWeights("resnet18", "ResNet18", BASE + "resnet18-f37072fd.pth", 11_689_512, 69.758),
            new TorchvisionWeights("resnet34", "ResNet34", BASE + "resnet34-b627a593.pth", 21_797_672, 73.314),
            new TorchvisionWeights("resnet50", "ResNet50", BASE + "resnet50-0676ba61.pth", 25_557_032, 76.130),
            new TorchvisionWeights("resnet50_v2", "ResNet50", BASE + "resnet50-11ad3fa6.pth", 25_557_032, 80.858),
            new TorchvisionWeights("resnet101", "ResNet101", BASE + "resnet101-63fe2227.pth", 44_549_160, 77.374),
            new TorchvisionWeights("resnet101_v2", "ResNet101", BASE + "resnet101-cd907fc2.pth", 44_549_160, 81.886),
            new TorchvisionWeights("resnet152", "ResNet152", BASE + "resnet152-394f9c45.pth", 60_192_808, 78.312),
            new TorchvisionWeights("resnet152_v2", "ResNet152", BASE + "resnet152-f82ba261.pth", 60_192_808, 82.284),
            new TorchvisionWeights("vgg16", "VGG16", BASE + "vgg16-397923af.pth", 138_357_544, 71.592),
            new TorchvisionWeights("vgg19", "VGG19", BASE + "vgg19-dcbb9e9d.pth", 143_667_240, 72.376),
            new TorchvisionWeights("mobilenet_v2", "MobileNetV2", BASE + "mobilenet_v2-b0353104.pth", 3_504_872, 71.878),
            new TorchvisionWeights("mobilenet_v2_v2", "MobileNetV2", BASE + "mobilenet_v2-7ebf99e0.pth", 3_504_872,
                    72.154),
            new TorchvisionWeights("mobilenet_v3_large", "MobileNetV3Large", BASE + "mobilenet_v3_large-8738ca79.pth",
                    5_483_032, 74.042),
            new TorchvisionWeights("mobilenet_v3_large_v2", "MobileNetV3Large",
                    BASE + "mobilenet_v3_large-5c1a4163.pth", 5_483_032, 75.274),
            new TorchvisionWeights("mobilenet_v3_small", "MobileNetV3Small", BASE + "mobilenet_v3_small-047dcff4.pth",
                    2_542_856, 67.668),
            new TorchvisionWeights("efficientnet_b0", "EfficientNetB0", BASE + "efficientnet_b0_rwightman-3dd342df.pth",
                    5_288_548, 77.692),
            new TorchvisionWeights("shufflenet_v2_x1_0", "ShuffleNetV2x1", BASE + "shufflenetv2_x1-5666bf0f80.pth",
                    2_278_604, 69.362),
            new TorchvisionWeights("regnet_y_400mf", "RegNetY400MF", BASE + "regnet_y_400mf-c65dace8.pth", 4_344_144,
                    74.046),
            new TorchvisionWeights("regnet_y_400mf_v2", "RegNetY400MF", BASE + "regnet_y_400mf-e6988f5f.pth", 4_344_144,
                    75.804),
            new TorchvisionWeights("convnext_tiny", "ConvNeXtTiny", BASE + "convnext_tiny-983f1562.pth", 28_589_128,
                    82.520));

    static Optional<TorchvisionWeights> named(String name) {
        return ALL.stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /** The weights that fit a network of this name and inference parameter count. */
    static List<TorchvisionWeights> fitting(String network, long parameters) {
        return ALL.stream().filter(w -> w.network().equals(network) && w.parameters() == parameters).toList();
    }

    /** The file name of the URL, e.g. {@code resnet18-f37072fd.pth}. */
    String fileName() {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** The SHA-256 prefix in the file name, as torchvision's {@code check_hash} reads it. */
    String sha256Prefix() {
        Matcher m = HASH_PREFIX.matcher(fileName());
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }
}
