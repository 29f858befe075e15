// Snappy's C API (libsnappy-dev): raw block compression, as Parquet's SNAPPY codec uses it.
#include <snappy-c.h>
