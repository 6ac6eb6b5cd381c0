/* The paper's key-space count and, beside it, the information two arbitrary
 * permutations could hold, to show what the count leaves out. */
#include <math.h>

#include "metrics/metrics.h"

/* Paper §"Key space analysis": key size = (L_xindex + L_yindex + L_zkey) × 8. */
uint64_t metric_key_space_bits(uint32_t width, uint32_t height, uint8_t channels, uint8_t depth)
{
    const uint64_t stream_bytes = (uint64_t)width * height * channels * (depth == 16 ? 2 : 1);
    uint64_t elements = (uint64_t)height + width + stream_bytes;
    return elements * 8;
}

double metric_permutation_bits(uint32_t width, uint32_t height)
{
    return (lgamma((double)height + 1) + lgamma((double)width + 1)) / M_LN2;
}
