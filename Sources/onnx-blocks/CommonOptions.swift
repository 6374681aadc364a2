import ArgumentParser

/// Options every model-reading subcommand shares (`@OptionGroup var common: CommonOptions`).
struct CommonOptions: ParsableArguments {
    @Flag(name: .long, help: "Print details with errors.")
    var verbose = false
}
