/* A stand-in for /usr/sbin/nginx in the tools suite: a static program that performs the
 * "malicious activity" of the bane walk-through on request and reports the outcome.
 *   nginx-sim touch PATH     create/open PATH for writing
 *   nginx-sim exec PATH ARGS execute PATH
 *   nginx-sim read PATH      read PATH
 *   nginx-sim sleep N        sleep N seconds (a long-running container) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s touch|exec|read|sleep ARG\n", argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "touch") == 0) {
        int fd = open(argv[2], O_WRONLY | O_CREAT, 0644);
        if (fd < 0) {
            printf("touch %s: %s\n", argv[2], strerror(errno));
            return 1;
        }
        printf("touch %s: ok\n", argv[2]);
        return 0;
    }
    if (strcmp(argv[1], "read") == 0) {
        int fd = open(argv[2], O_RDONLY);
        if (fd < 0) {
            printf("read %s: %s\n", argv[2], strerror(errno));
            return 1;
        }
        printf("read %s: ok\n", argv[2]);
        return 0;
    }
    if (strcmp(argv[1], "exec") == 0) {
        fflush(stdout);
        execv(argv[2], argv + 2);
        printf("exec %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    if (strcmp(argv[1], "sleep") == 0) {
        sleep((unsigned)atoi(argv[2]));
        return 0;
    }
    return 2;
}
