/* res_ckpt.c: checkpoint files (see res_ckpt.h; the layout is in results/README.md).
 *
 * Records are written with one pwritev each at an offset reserved under the lock, so a record is
 * either wholly in the file or is the torn last one; the CRC tells which. */
#define _GNU_SOURCE /* pwritev, fdatasync */
#include "res_ckpt.h"
#include "res_crc.h"
#include "res_fail.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAGIC_LINE "dispsim checkpoint 1\n"
enum { HEADER = 4096, KEY_MAX = 3500, REC_MAGIC = 0x43455244 /* "DREC" little-endian */ };

/* A record: magic, CRC-32 of everything after it, item, events, values, seeds. */
struct rec_head {
    uint32_t magic, crc;
    uint64_t item, events;
};

struct res_ckpt {
    char *path;
    int fd;
    struct res_ckpt_shape shape;
    size_t rec_size, count;
    uint64_t end;  /* where the next record goes */
    uint64_t *off; /* [nitems] offset of each item's record, 0 for none */
    double last_sync;
    bool broken; /* a write failed: the tail may be torn, nothing more may be appended */
    pthread_mutex_t lock;
    char err[512];
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The header block: magic line, geometry, the caller's key; NUL padding; CRC-32 of the rest. */
static void make_header(char *h, const char *key, const struct res_ckpt_shape *s)
{
    memset(h, 0, HEADER);
    snprintf(h, HEADER - 4, MAGIC_LINE "items=%zu\nrep_values=%zu\nstreams=%zu\n%s", s->nitems, s->rep_values,
             s->nstreams, key);
    uint32_t crc = res__crc32(0, h, HEADER - 4);
    memcpy(h + HEADER - 4, &crc, 4);
}

static int read_full(int fd, void *buf, size_t n, uint64_t at)
{
    char *p = buf;
    while (n > 0) {
        ssize_t k = pread(fd, p, n, (off_t)at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k == 0 ? 0 : -1;
        p += k;
        n -= (size_t)k;
        at += (uint64_t)k;
    }
    return 1;
}

/* Reads and checks the header block: SIM_EFORMAT if it is not a checkpoint's. */
static sim_status read_header(int fd, char *h, const char *path, char *err, size_t errlen)
{
    int rc = read_full(fd, h, HEADER, 0);
    if (rc < 0)
        return res__fail(err, errlen, path, SIM_EIO, "cannot read: %s", strerror(errno));
    uint32_t crc;
    memcpy(&crc, h + HEADER - 4, 4);
    if (rc == 0 || memcmp(h, MAGIC_LINE, strlen(MAGIC_LINE)) != 0 || h[HEADER - 5] != '\0' ||
        crc != res__crc32(0, h, HEADER - 4))
        return res__fail(err, errlen, path, SIM_EFORMAT,
                         "not a dispsim checkpoint (or its header is damaged)");
    return SIM_OK;
}

static size_t header_size(const char *h, const char *name)
{
    char pat[32];
    snprintf(pat, sizeof pat, "\n%s=", name);
    const char *p = strstr(h, pat);
    return p != NULL ? (size_t)strtoull(p + strlen(pat), NULL, 10) : 0;
}

static size_t rec_size_of(const struct res_ckpt_shape *s)
{
    return sizeof(struct rec_head) + s->rep_values * sizeof(double) + s->nstreams * sizeof(uint64_t);
}

/* Takes the advisory write lock on the whole file; fine where the file system has no locks. */
static sim_status lock_file(int fd, const char *path, char *err, size_t errlen)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &fl) == 0 || errno == ENOLCK || errno == ENOSYS || errno == EINVAL)
        return SIM_OK;
    struct flock who = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_GETLK, &who) == 0 && who.l_type != F_UNLCK)
        return res__fail(err, errlen, path, SIM_ECREATE, "in use by another dispsim process (pid %ld)",
                         (long)who.l_pid);
    return res__fail(err, errlen, path, SIM_ECREATE, "in use by another dispsim process");
}

static struct res_ckpt *alloc_ckpt(const char *path, const struct res_ckpt_shape *s)
{
    struct res_ckpt *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->fd = -1;
    c->shape = *s;
    c->rec_size = rec_size_of(s);
    c->end = HEADER;
    c->last_sync = now_s();
    c->path = strdup(path);
    c->off = calloc(s->nitems > 0 ? s->nitems : 1, sizeof *c->off);
    if (c->path == NULL || c->off == NULL || pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c->path);
        free(c->off);
        free(c);
        return NULL;
    }
    return c;
}

static void free_ckpt(struct res_ckpt *c)
{
    if (c->fd >= 0)
        close(c->fd);
    pthread_mutex_destroy(&c->lock);
    free(c->path);
    free(c->off);
    free(c);
}

sim_status res_ckpt_create(const char *path, const char *key, const struct res_ckpt_shape *shape,
                           struct res_ckpt **out, char *err, size_t errlen)
{
    if (strlen(key) > KEY_MAX || shape->nitems == 0)
        return res__fail(err, errlen, path, SIM_EINVAL, "invalid checkpoint header");
    struct res_ckpt *c = alloc_ckpt(path, shape);
    if (c == NULL)
        return res__fail(err, errlen, path, SIM_ENOMEM, "out of memory");
    char h[HEADER];
    make_header(h, key, shape);
    sim_status st = SIM_OK;
    c->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (c->fd < 0)
        st = res__fail(err, errlen, path, SIM_ECREATE, "cannot create checkpoint: %s", strerror(errno));
    else if ((st = lock_file(c->fd, path, err, errlen)) == SIM_OK &&
             (pwrite(c->fd, h, HEADER, 0) != HEADER || fdatasync(c->fd) != 0)) {
        st = res__fail(err, errlen, path, SIM_EIO, "cannot write checkpoint: %s",
                       errno ? strerror(errno) : "short write");
    }
    if (st != SIM_OK) {
        if (c->fd >= 0)
            unlink(path);
        free_ckpt(c);
        return st;
    }
    *out = c;
    return SIM_OK;
}

/* Names the first line in which the header `have` and the expected `want` differ. */
static sim_status mismatch(const char *have, const char *want, const char *path, char *err, size_t errlen)
{
    while (*have != '\0' && *want != '\0') {
        size_t a = strcspn(have, "\n"), b = strcspn(want, "\n");
        if (a != b || memcmp(have, want, a) != 0)
            return res__fail(err, errlen, path, SIM_EINVAL,
                             "belongs to another run: it has '%.*s' where this run has '%.*s'; run with the "
                             "options it was started with, or use --force to start afresh",
                             (int)a, have, (int)b, want);
        have += a + (have[a] != '\0');
        want += b + (want[b] != '\0');
    }
    return res__fail(err, errlen, path, SIM_EINVAL,
                     "belongs to another run: its header '%s' differs from '%s'", *have ? have : "(end)",
                     *want ? want : "(end)");
}

/* Reads the records after the header. Records have a fixed size, so a slot that fails its checks
 * (a torn write, or a hole a node crash left before the data reached the disk) is skipped and the
 * records after it are still read; *valid_end is the end of the last good record, and what follows
 * it (a torn tail, bad slots) is dropped by the caller. */
static sim_status scan(struct res_ckpt *c, uint64_t *valid_end, char *err, size_t errlen)
{
    unsigned char *buf = malloc(c->rec_size);
    if (buf == NULL)
        return res__fail(err, errlen, c->path, SIM_ENOMEM, "out of memory");
    uint64_t at = HEADER, end = HEADER;
    sim_status st = SIM_OK;
    for (;; at += c->rec_size) {
        int rc = read_full(c->fd, buf, c->rec_size, at);
        if (rc < 0) {
            st = res__fail(err, errlen, c->path, SIM_EIO, "cannot read: %s", strerror(errno));
            break;
        }
        if (rc == 0)
            break; /* the end, or a torn last record */
        struct rec_head rh;
        memcpy(&rh, buf, sizeof rh);
        if (rh.magic != REC_MAGIC || rh.item >= c->shape.nitems || c->off[rh.item] != 0 ||
            rh.crc != res__crc32(0, buf + 8, c->rec_size - 8))
            continue; /* garbage, or an item seen already: never used */
        c->off[rh.item] = at;
        c->count++;
        end = at + c->rec_size;
    }
    free(buf);
    *valid_end = end;
    return st;
}

sim_status res_ckpt_resume(const char *path, const char *key, const struct res_ckpt_shape *shape,
                           struct res_ckpt **out, size_t *dropped, char *err, size_t errlen)
{
    struct res_ckpt *c = alloc_ckpt(path, shape);
    if (c == NULL)
        return res__fail(err, errlen, path, SIM_ENOMEM, "out of memory");
    char have[HEADER], want[HEADER];
    struct stat sb;
    sim_status st = SIM_OK;
    c->fd = open(path, O_RDWR | O_CLOEXEC);
    if (c->fd < 0)
        st = res__fail(err, errlen, path, errno == ENOENT ? SIM_ENOENT : SIM_EIO,
                       "cannot open checkpoint: %s", strerror(errno));
    else if ((st = lock_file(c->fd, path, err, errlen)) == SIM_OK &&
             (st = read_header(c->fd, have, path, err, errlen)) == SIM_OK) {
        make_header(want, key, shape);
        if (strcmp(have, want) != 0)
            st = mismatch(have, want, path, err, errlen);
    }
    uint64_t end = HEADER;
    if (st == SIM_OK)
        st = scan(c, &end, err, errlen);
    if (st == SIM_OK && fstat(c->fd, &sb) != 0)
        st = res__fail(err, errlen, path, SIM_EIO, "cannot stat: %s", strerror(errno));
    if (st == SIM_OK && (uint64_t)sb.st_size > end && ftruncate(c->fd, (off_t)end) != 0)
        st = res__fail(err, errlen, path, SIM_EIO, "cannot cut the torn tail: %s", strerror(errno));
    if (st != SIM_OK) {
        free_ckpt(c);
        return st;
    }
    if (dropped != NULL)
        *dropped = (size_t)((uint64_t)sb.st_size - end);
    c->end = end;
    *out = c;
    return SIM_OK;
}

/* Writes the n buffers of iov at `at`, going on after short writes and EINTR (a network file
 * system may take a record in pieces). Returns the bytes written: all, or fewer with errno set. */
static ssize_t write_iov(int fd, struct iovec *iov, int n, uint64_t at)
{
    ssize_t total = 0;
    while (n > 0) {
        ssize_t k = pwritev(fd, iov, n, (off_t)at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return total;
        total += k;
        at += (uint64_t)k;
        while (n > 0 && (size_t)k >= iov->iov_len) {
            k -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + k;
            iov->iov_len -= (size_t)k;
        }
    }
    return total;
}

sim_status res_ckpt_append(struct res_ckpt *c, size_t item, uint64_t events, const double *values,
                           const uint64_t *seeds, double sync_s)
{
    const struct res_ckpt_shape *s = &c->shape;
    struct rec_head rh = {.magic = REC_MAGIC, .item = item, .events = events};
    size_t nv = s->rep_values * sizeof *values, ns = s->nstreams * sizeof *seeds;
    uint32_t crc = res__crc32(0, (const char *)&rh + 8, sizeof rh - 8);
    crc = res__crc32(crc, values, nv);
    rh.crc = res__crc32(crc, seeds, ns);
    struct iovec iov[3] = {{&rh, sizeof rh}, {(void *)values, nv}, {(void *)seeds, ns}};
    sim_status st = SIM_OK;
    pthread_mutex_lock(&c->lock);
    if (c->broken)
        st = SIM_EIO;
    else if (item >= s->nitems)
        st = res__fail(c->err, sizeof c->err, c->path, SIM_EINVAL, "item %zu is beyond the run's %zu", item,
                       s->nitems);
    else if (c->off[item] != 0)
        st = res__fail(c->err, sizeof c->err, c->path, SIM_EINVAL, "item %zu recorded twice", item);
    else {
        errno = 0;
        ssize_t k = write_iov(c->fd, iov, 3, c->end);
        if (k != (ssize_t)c->rec_size) {
            c->broken = true;
            st = res__fail(c->err, sizeof c->err, c->path, SIM_EIO, "cannot write checkpoint: %s",
                           k < 0 || errno ? strerror(errno) : "short write (disk full?)");
        } else {
            c->off[item] = c->end;
            c->end += c->rec_size;
            c->count++;
            double t = now_s();
            if (t - c->last_sync > sync_s) {
                c->last_sync = t;
                if (fdatasync(c->fd) != 0) {
                    c->broken = true;
                    st = res__fail(c->err, sizeof c->err, c->path, SIM_EIO, "cannot sync checkpoint: %s",
                                   strerror(errno));
                }
            }
        }
    }
    pthread_mutex_unlock(&c->lock);
    return st;
}

sim_status res_ckpt_sync(struct res_ckpt *c)
{
    pthread_mutex_lock(&c->lock);
    sim_status st = SIM_OK;
    if (fdatasync(c->fd) != 0)
        st =
            res__fail(c->err, sizeof c->err, c->path, SIM_EIO, "cannot sync checkpoint: %s", strerror(errno));
    c->last_sync = now_s();
    pthread_mutex_unlock(&c->lock);
    return st;
}

const char *res_ckpt_error(const struct res_ckpt *c)
{
    return c->err;
}

bool res_ckpt_has(struct res_ckpt *c, size_t item)
{
    pthread_mutex_lock(&c->lock);
    bool has = item < c->shape.nitems && c->off[item] != 0;
    pthread_mutex_unlock(&c->lock);
    return has;
}

size_t res_ckpt_count(struct res_ckpt *c)
{
    pthread_mutex_lock(&c->lock);
    size_t n = c->count;
    pthread_mutex_unlock(&c->lock);
    return n;
}

sim_status res_ckpt_read(struct res_ckpt *c, size_t item, size_t first, size_t n, double *out)
{
    if (item >= c->shape.nitems || c->off[item] == 0 || first + n > c->shape.rep_values)
        return res__fail(c->err, sizeof c->err, c->path, SIM_ENOENT, "item %zu has no record", item);
    uint64_t at = c->off[item] + sizeof(struct rec_head) + first * sizeof *out;
    if (read_full(c->fd, out, n * sizeof *out, at) != 1)
        return res__fail(c->err, sizeof c->err, c->path, SIM_EIO, "cannot read: %s",
                         errno ? strerror(errno) : "file shorter than its records");
    return SIM_OK;
}

sim_status res_ckpt_read_seeds(struct res_ckpt *c, size_t item, uint64_t *seeds, uint64_t *events)
{
    if (item >= c->shape.nitems || c->off[item] == 0)
        return res__fail(c->err, sizeof c->err, c->path, SIM_ENOENT, "item %zu has no record", item);
    struct rec_head rh;
    uint64_t at = c->off[item];
    if (read_full(c->fd, &rh, sizeof rh, at) != 1 ||
        (seeds != NULL && read_full(c->fd, seeds, c->shape.nstreams * sizeof *seeds,
                                    at + sizeof rh + c->shape.rep_values * sizeof(double)) != 1))
        return res__fail(c->err, sizeof c->err, c->path, SIM_EIO, "cannot read: %s",
                         errno ? strerror(errno) : "file shorter than its records");
    if (events != NULL)
        *events = rh.events;
    return SIM_OK;
}

void res_ckpt_close(struct res_ckpt *c)
{
    if (c == NULL)
        return;
    fdatasync(c->fd);
    free_ckpt(c);
}

void res_ckpt_discard(struct res_ckpt *c)
{
    if (c == NULL)
        return;
    /* Only if the name still leads to this file: never delete another run's checkpoint. */
    struct stat a, b;
    if (fstat(c->fd, &a) == 0 && stat(c->path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        unlink(c->path);
    free_ckpt(c);
}

sim_status res_ckpt_remove(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? SIM_OK
                               : res__fail(err, errlen, path, SIM_EIO, "cannot open: %s", strerror(errno));
    sim_status st = lock_file(fd, path, err, errlen);
    if (st == SIM_OK && unlink(path) != 0)
        st = res__fail(err, errlen, path, SIM_EIO, "cannot delete: %s", strerror(errno));
    close(fd);
    return st;
}

sim_status res_ckpt_inspect(const char *path, char **key, size_t *nitems, size_t *done, char *err,
                            size_t errlen)
{
    char h[HEADER];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return res__fail(err, errlen, path, errno == ENOENT ? SIM_ENOENT : SIM_EIO, "cannot open: %s",
                         strerror(errno));
    sim_status st = read_header(fd, h, path, err, errlen);
    struct res_ckpt_shape s = {header_size(h, "items"), header_size(h, "rep_values"),
                               header_size(h, "streams")};
    struct res_ckpt *c = NULL;
    /* A forged header could make the record size overflow: every count is bounded first. */
    if (st == SIM_OK && (s.nitems == 0 || s.nitems > ((size_t)1 << 40) || s.rep_values > ((size_t)1 << 32) ||
                         s.nstreams > ((size_t)1 << 20)))
        st = res__fail(err, errlen, path, SIM_EFORMAT,
                       "not a dispsim checkpoint (impossible record geometry)");
    if (st == SIM_OK && (c = alloc_ckpt(path, &s)) == NULL)
        st = res__fail(err, errlen, path, SIM_ENOMEM, "out of memory");
    uint64_t end;
    if (st == SIM_OK) {
        c->fd = fd;
        fd = -1;
        st = scan(c, &end, err, errlen);
    }
    if (st == SIM_OK && (*key = strdup(h + strlen(MAGIC_LINE))) == NULL)
        st = res__fail(err, errlen, path, SIM_ENOMEM, "out of memory");
    if (st == SIM_OK) {
        *nitems = s.nitems;
        *done = c->count;
    }
    if (c != NULL)
        free_ckpt(c);
    if (fd >= 0)
        close(fd);
    return st;
}

bool res_ckpt_is(const char *path)
{
    char h[sizeof MAGIC_LINE];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool is =
        read_full(fd, h, sizeof MAGIC_LINE - 1, 0) == 1 && memcmp(h, MAGIC_LINE, sizeof MAGIC_LINE - 1) == 0;
    close(fd);
    return is;
}
