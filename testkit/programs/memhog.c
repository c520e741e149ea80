/*
 * memhog MEBIBYTES MARKER
 *
 * Holds MEBIBYTES of random (incompressible) memory with MARKER planted once in the middle of it,
 * then prints a counter every second. Tests checkpoint it to get archives of a known size whose
 * memory holds a string they can search for. The marker is never printed, so apart from argv the
 * only copy in memory is the planted one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* Publishing the buffer here keeps the compiler from dropping the fill and the marker as dead stores. */
static uint64_t *volatile held_memory;

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: memhog MEBIBYTES MARKER\n");
        return 2;
    }
    char *end;
    long mebibytes = strtol(argv[1], &end, 10);
    if (*end != '\0' || mebibytes < 1 || mebibytes > 65536) {
        fprintf(stderr, "memhog: MEBIBYTES must be 1..65536, got '%s'\n", argv[1]);
        return 2;
    }
    const char *marker = argv[2];
    size_t size = (size_t)mebibytes << 20;
    if (strlen(marker) > size / 2) {
        fprintf(stderr, "memhog: marker longer than half the memory\n");
        return 2;
    }
    uint64_t *memory = malloc(size);
    if (memory == NULL) {
        perror("memhog: malloc");
        return 1;
    }
    /* xorshift64*: fast, and its output does not compress, so the checkpoint keeps the full size. */
    uint64_t state = 0;
    if (getrandom(&state, sizeof state, 0) != sizeof state || state == 0) {
        state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid();
    }
    for (size_t i = 0; i < size / sizeof *memory; i++) {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        memory[i] = state * 0x2545F4914F6CDD1DULL;
    }
    memcpy((char *)memory + size / 2, marker, strlen(marker));
    held_memory = memory;

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("memhog: holding %ld MiB\n", mebibytes);
    for (unsigned long counter = 0;; counter++) {
        printf("memhog %lu\n", counter);
        sleep(1);
    }
}
