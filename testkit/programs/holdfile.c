/*
 * holdfile PATH
 *
 * Creates PATH, writes a known line into it, deletes it while keeping it open, then prints a counter
 * every second together with whether the open file still reads back the line. A checkpoint of it
 * must carry the deleted file's content (CRIU's ghost file); after a restore the check keeps
 * printing "intact".
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char CONTENT[] = "amber held file: deleted but still open\n";

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: holdfile PATH\n");
        return 2;
    }
    int fd = open(argv[1], O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (fd < 0 || write(fd, CONTENT, sizeof CONTENT - 1) != (ssize_t)(sizeof CONTENT - 1)) {
        perror("holdfile: create");
        return 1;
    }
    if (unlink(argv[1]) != 0) {
        perror("holdfile: unlink");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    char buffer[sizeof CONTENT];
    for (unsigned long counter = 0;; counter++) {
        ssize_t n = pread(fd, buffer, sizeof CONTENT - 1, 0);
        int intact = n == (ssize_t)(sizeof CONTENT - 1) && memcmp(buffer, CONTENT, (size_t)n) == 0;
        printf("holdfile %lu %s\n", counter, intact ? "intact" : "damaged");
        sleep(1);
    }
}
