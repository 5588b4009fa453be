// Function binaries must load on provided.al2023, whose glibc is 2.34. The Swift runtime linked statically into
// them calls hypotf, which glibc 2.35 moved to a new symbol version (hypotf@GLIBC_2.35): linked on a newer system,
// the binary would refuse to start there. Defining hypotf here resolves the runtime's calls inside the binary, so
// no glibc newer than 2.34 is needed. (Computed in double and rounded once: at least as exact as glibc's.)
#include <math.h>

// glibc 2.35 versioned hypot too: bind this file's call to the version every x86_64 glibc has.
#if defined(__x86_64__)
__asm__(".symver hypot, hypot@GLIBC_2.2.5");
#elif defined(__aarch64__)
__asm__(".symver hypot, hypot@GLIBC_2.17");
#endif

float hypotf(float x, float y) {
    return (float)hypot((double)x, (double)y);
}
