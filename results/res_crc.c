/* res_crc.c: the CRC-32 of results files' trailers and of checkpoint headers and records (see
 * res_crc.h). */
#include "res_crc.h"

uint32_t res__crc32(uint32_t crc, const void *buf, size_t n)
{
    /* Reflected CRC-32 (polynomial 0xEDB88320) four bits at a time: a table small enough to be a
     * constant, so no initialisation and no thread-safety question. */
    static const uint32_t t[16] = {0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4,
                                   0x4DB26158, 0x5005713C, 0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C,
                                   0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C};
    const unsigned char *p = buf;
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ t[crc & 15];
        crc = (crc >> 4) ^ t[crc & 15];
    }
    return ~crc;
}
