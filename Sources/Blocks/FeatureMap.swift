/// A batch of NCHW float32 feature maps: what `forward` passes between layers.
public struct FeatureMap: Sendable, Equatable {
    public var batch: Int
    public var shape: FeatureShape
    /// `batch × channels × height × width`, row-major.
    public var values: [Float]

    public init(batch: Int, shape: FeatureShape, values: [Float]) {
        precondition(values.count == batch * shape.elementCount, "FeatureMap: \(values.count) values for \(batch)×\(shape)")
        self.batch = batch
        self.shape = shape
        self.values = values
    }

    public init(zeros batch: Int, shape: FeatureShape) {
        self.init(batch: batch, shape: shape, values: [Float](repeating: 0, count: batch * shape.elementCount))
    }

    /// From NHWC values (Keras' layout).
    public init(nhwc values: [Float], batch: Int, height: Int, width: Int, channels: Int) {
        let shape = FeatureShape(channels: channels, height: height, width: width)
        var out = [Float](repeating: 0, count: values.count)
        for n in 0..<batch {
            for y in 0..<height {
                for x in 0..<width {
                    for c in 0..<channels {
                        out[((n * channels + c) * height + y) * width + x] = values[((n * height + y) * width + x) * channels + c]
                    }
                }
            }
        }
        self.init(batch: batch, shape: shape, values: out)
    }
}
