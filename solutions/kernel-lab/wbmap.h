/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wbmap.h - what the wbmap driver and the programs that use it agree on:
 * the devices, the sizes of their buffers, the pattern the driver writes
 * into them, and the one ioctl.  Included by the module and by user space.
 */
#ifndef WBMAP_H
#define WBMAP_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* The three devices, each with its own buffer, filled at load time. */
#define WBMAP_CONTIG_DEV  "wbmap-contig"  /* alloc_pages(): contiguous */
#define WBMAP_VMALLOC_DEV "wbmap-vmalloc" /* vmalloc_user(): page by page */
#define WBMAP_LAZY_DEV	  "wbmap-lazy"	  /* vmalloc_user(), mapped lazily */

#define WBMAP_PAGE	    4096
#define WBMAP_CONTIG_ORDER  4 /* 2^4 = 16 pages */
#define WBMAP_CONTIG_PAGES  (1 << WBMAP_CONTIG_ORDER)
#define WBMAP_VMALLOC_PAGES 12
#define WBMAP_LAZY_PAGES    8

/* What ioctl(fd, WBMAP_IOC_STATS, &stats) reports about a device. */
struct wbmap_stats {
	__u64 size;   /* the buffer's size in bytes */
	__u64 faults; /* calls of the fault handler so far (lazy device) */
	__s64 vmas;   /* VMAs that map the buffer now (lazy device) */
	__u64 pfn;    /* the first page frame of the buffer (contig device) */
};

#define WBMAP_IOC_STATS _IOR('w', 1, struct wbmap_stats)

/*
 * The pattern: the 8 bytes at offset off of a buffer read, as text,
 * LETTER PAGE . WORD \n, with PAGE (2 hex digits) the page of off and WORD
 * (3 hex digits) its 8-byte word in that page: "C05.1ff\n" is the last word
 * of page 5 of the contig buffer.  Every word of a buffer differs, so a page
 * in the wrong place shows.
 */
static inline void wbmap_word(char *w, char letter, unsigned long off)
{
	static const char hex[] = "0123456789abcdef";
	unsigned long page = off / WBMAP_PAGE, word = off % WBMAP_PAGE / 8;

	w[0] = letter;
	w[1] = hex[page >> 4 & 15];
	w[2] = hex[page & 15];
	w[3] = '.';
	w[4] = hex[word >> 8 & 15];
	w[5] = hex[word >> 4 & 15];
	w[6] = hex[word & 15];
	w[7] = '\n';
}

#endif /* WBMAP_H */
