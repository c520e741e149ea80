/*
 * tcpecho server PORT         listens on PORT and echoes every line back to one client at a time
 * tcpecho client HOST PORT    connects and sends a numbered line every second, printing each echo
 *
 * Run both in one container and its checkpoint holds a listening socket and both ends of an
 * established connection. After a restore with established TCP the client's numbers go on, which
 * shows the connection survived.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int parse_port(const char *text) {
    char *end;
    long port = strtol(text, &end, 10);
    if (*end != '\0' || port < 1 || port > 65535) {
        fprintf(stderr, "tcpecho: bad port '%s'\n", text);
        exit(2);
    }
    return (int)port;
}

static int serve(int port) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 8) != 0) {
        perror("tcpecho server: bind/listen");
        return 1;
    }
    printf("tcpecho server: listening on %d\n", port);
    for (;;) {
        int connection = accept(listener, NULL, NULL);
        if (connection < 0) {
            perror("tcpecho server: accept");
            continue;
        }
        char buffer[4096];
        ssize_t n;
        while ((n = read(connection, buffer, sizeof buffer)) > 0) {
            if (write(connection, buffer, (size_t)n) != n) {
                break;
            }
        }
        close(connection);
    }
}

static int talk(const char *host, int port) {
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        fprintf(stderr, "tcpecho client: bad IPv4 address '%s'\n", host);
        return 2;
    }
    int connection = -1;
    /* The server may still be starting in the same container: retry for a few seconds. */
    for (int attempt = 0; attempt < 50; attempt++) {
        connection = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(connection, (struct sockaddr *)&address, sizeof address) == 0) {
            break;
        }
        close(connection);
        connection = -1;
        usleep(100000);
    }
    if (connection < 0) {
        perror("tcpecho client: connect");
        return 1;
    }
    FILE *replies = fdopen(connection, "r");
    char line[128];
    for (unsigned long counter = 0;; counter++) {
        int length = snprintf(line, sizeof line, "%lu\n", counter);
        if (write(connection, line, (size_t)length) != length) {
            perror("tcpecho client: write");
            return 1;
        }
        if (fgets(line, sizeof line, replies) == NULL) {
            fprintf(stderr, "tcpecho client: connection closed\n");
            return 1;
        }
        printf("tcpecho echo %s", line);
        sleep(1);
    }
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && strcmp(argv[1], "server") == 0) {
        return serve(parse_port(argv[2]));
    }
    if (argc == 4 && strcmp(argv[1], "client") == 0) {
        return talk(argv[2], parse_port(argv[3]));
    }
    fprintf(stderr, "usage: tcpecho server PORT | tcpecho client HOST PORT\n");
    return 2;
}
