/// Keras applications' classifier: `avg_pool` (GlobalAveragePooling2D) + `predictions` (Dense).
public enum HeadBuilder {
    public static func classifier(features: Int, classes: Int, softmax: Bool = true,
                                  pooling: Head.Pooling = .globalAverage) throws -> Head {
        guard classes >= 1 else { throw BuildError.invalidSpec(block: "head", reason: "classes must be at least 1, not \(classes)") }
        return Head(name: "head", pooling: pooling,
                    dense: Dense(name: "predictions", inputFeatures: features, outputFeatures: classes, bias: []),
                    softmax: softmax)
    }
}
