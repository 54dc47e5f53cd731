/* ringmk - make a new, empty ring for ringprod and ringcons.
 *
 * usage: ringmk NAME SLOTS SLOT_SIZE
 *
 * NAME is a POSIX shared memory object ("/NAME": /dev/shm/NAME) or any other
 * path (a file: on tmpfs or on a disk). It must not exist yet. The region is
 * one page of header and SLOTS slots of SLOT_SIZE bytes (8 of them for the
 * message's length). Remove it with rm (or shm_unlink()) when done.
 */
#include "ring.h"

int main(int argc, char *argv[])
{
    if (argc != 4)
        usage("NAME SLOTS SLOT_SIZE");
    long long slots = parse_num(argv[2], "SLOTS"), size = parse_num(argv[3], "SLOT_SIZE");
    if (slots > UINT32_MAX || size > UINT32_MAX)
        fail("SLOTS and SLOT_SIZE must fit in 32 bits");
    ring_create(argv[1], (uint32_t)slots, (uint32_t)size);
    printf("ringmk: %s: %lld slots of %lld bytes, %lld bytes in all\n", argv[1], slots, size,
           RING_HDR + slots * size);
    return 0;
}
