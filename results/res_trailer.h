/* res_trailer.h: the checksum trailer of results files. Private to results/ (res_write.c writes it,
 * res_read.c checks it); not part of the public interface in res.h.
 *
 * res_write_run appends RES__TRAILER_SIZE bytes after the HDF5 image: the 8 bytes of
 * RES__TRAILER_MAGIC, the image length in bytes (uint64, little-endian), the CRC-32 of the image
 * (uint32, little-endian, the same CRC as zlib's crc32) and 4 zero bytes. HDF5 ignores bytes past
 * its end-of-allocation address, so every HDF5 tool still reads the file; res_open checks the CRC
 * before handing the file to HDF5, whose parser does not survive every corruption. */
#ifndef RES_TRAILER_H
#define RES_TRAILER_H

#include "res_crc.h" /* the CRC of the trailer */

#define RES__TRAILER_MAGIC "dsimcrc1"
enum { RES__TRAILER_SIZE = 24 };

#endif
