# Sourced by the scripts: compiler flags for fast SIMD code on the machine that builds.
# Package.swift carries no unsafeFlags (the libraries must stay usable as dependencies),
# so speed comes from here. The portable code paths need none of these flags.
case "$(uname -m)" in
    x86_64) SWIFT_FAST_FLAGS=(-Xswiftc -target-cpu -Xswiftc native -Xcc -march=native) ;;
    *) SWIFT_FAST_FLAGS=() ;;
esac
