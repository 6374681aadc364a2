/// One step of the main path the assembler walks: a single op, or a single-entry /
/// single-exit region classified by its branch structure.
enum AssemblyItem {
    case chain(Int)
    case region(RegionShape, ops: [Int], entry: String, exit: String)

    var isRegion: Bool { if case .region = self { return true }; return false }
}
