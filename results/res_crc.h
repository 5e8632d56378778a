/* res_crc.h: the CRC-32 that results/ checks its files with: the trailer of results files
 * (res_write.c appends it, res_read.c verifies it: res_trailer.h) and the header and every record
 * of checkpoints (res_ckpt.c). Private to results/ (and its tests); not part of res.h. */
#ifndef RES_CRC_H
#define RES_CRC_H

#include <stddef.h>
#include <stdint.h>

/* Continues the CRC-32 `crc` (0 to start) over n bytes of buf and returns it: the CRC of zlib's
 * crc32 (reflected, polynomial 0xEDB88320). Thread-safe. */
uint32_t res__crc32(uint32_t crc, const void *buf, size_t n);

#endif
