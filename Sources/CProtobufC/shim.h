// The system libprotobuf-c (Debian: libprotobuf-c-dev), exposed to Swift.
#include <protobuf-c/protobuf-c.h>
