/* fuzz_file.h: the one helper both libFuzzer harnesses share.
 *
 * The scenario loader and the results reader take a path, not a buffer, so each input is written
 * to one temporary file per process (the name carries the pid, so -jobs/-fork workers do not
 * share it) and rewritten in place for every run. The file is removed at exit. */
#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char fuzz_path[4096];

static void fuzz_remove_file(void)
{
    if (fuzz_path[0] != '\0')
        unlink(fuzz_path);
}

/* Writes data[size] to this process's temporary file (with the given suffix) and returns its path.
 * Aborts on an I/O failure: that is the machine's problem, not a finding in dispsim. */
static const char *fuzz_write_file(const uint8_t *data, size_t size, const char *suffix)
{
    if (fuzz_path[0] == '\0') {
        const char *tmp = getenv("TMPDIR");
        snprintf(fuzz_path, sizeof fuzz_path, "%s/dispsim_fuzz_%ld%s", tmp != NULL && tmp[0] ? tmp : "/tmp",
                 (long)getpid(), suffix);
        atexit(fuzz_remove_file);
    }
    int fd = open(fuzz_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        perror(fuzz_path);
        abort();
    }
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) {
            perror(fuzz_path);
            abort();
        }
        done += (size_t)n;
    }
    close(fd);
    return fuzz_path;
}

#endif
