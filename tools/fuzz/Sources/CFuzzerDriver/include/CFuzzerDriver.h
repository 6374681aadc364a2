// libFuzzer's driver entry (compiler-rt, LLVM >= 11). SwiftPM links an executable target's
// `main` to `<Target>_main`, so ReaderFuzzer defines that and hands control to libFuzzer here.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
