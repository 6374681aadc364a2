import Blocks

extension KnownArchitectures {
    /// Architectures added by other families' work (VGG, GoogLeNet, MobileNetV2, …): append
    /// `KnownArchitecture` entries here or replace this list with one defined in their own file.
    public static var contributed: [KnownArchitecture] { [] }
}
