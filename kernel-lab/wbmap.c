// SPDX-License-Identifier: GPL-2.0
/*
 * wbmap.c - a character driver whose kernel buffers user space maps with
 * mmap().  Three misc devices, one per way of mapping:
 *
 *   /dev/wbmap-contig   16 physically contiguous pages (alloc_pages), all
 *                       mapped at mmap() time with remap_pfn_range()
 *   /dev/wbmap-vmalloc  12 pages from vmalloc_user(), contiguous only in the
 *                       kernel's virtual addresses: mapped page by page
 *   /dev/wbmap-lazy     8 pages from vmalloc_user(), mapped one page at a
 *                       time, when user space first touches it (.fault)
 *
 * Each buffer holds a pattern (see wbmap.h) from load time on.  read() and
 * pread() return the buffer's bytes, so user space can check that a store
 * through a mapping reached the driver's memory; ioctl(WBMAP_IOC_STATS)
 * reports the fault handler's calls and the VMAs that map the buffer.
 */
/* Every pr_*() message of this module starts with "wbmap: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vmalloc.h>

#include "wbmap.h"

/*
 * vma->vm_flags became read-only in Linux 6.3: vm_flags_set() is the way.
 * Older kernels, 6.1 among them, get it here.
 */
#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

struct wbmap_dev {
	struct miscdevice misc;
	char letter;	      /* of the pattern: C, V or L */
	size_t size;	      /* of the buffer, in bytes */
	struct page *pages;   /* the contig buffer's first page */
	void *buf;	      /* the buffer's kernel address */
	atomic_long_t faults; /* calls of wbmap_fault() */
	atomic_long_t vmas;   /* VMAs that map the buffer now */
	int (*mmap)(struct wbmap_dev *d, struct vm_area_struct *vma);
};

static struct wbmap_dev *wbmap_of(struct file *file)
{
	/* misc_open() left our struct miscdevice in private_data. */
	return container_of(file->private_data, struct wbmap_dev, misc);
}

/*
 * Does the mapping fit in the buffer?  Its offset (vm_pgoff, in pages) and
 * its length (vm_end - vm_start, whole pages) come from user space.
 */
static bool wbmap_fits(struct wbmap_dev *d, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long pages = d->size >> PAGE_SHIFT;

	/*
	 * TODO 2.1: return false when the mapping goes past the end of the
	 * buffer: an offset at or past the last page, or a length longer than
	 * what is left after the offset.  Beware of wrap-around: offset +
	 * length can overflow, and size - offset goes huge when offset > size.
	 */
	(void)len;
	(void)pages;
	return true;
}

/* /dev/wbmap-contig: every page now, with one call. */
static int wbmap_mmap_contig(struct wbmap_dev *d, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long pfn = page_to_pfn(d->pages);

	if (!wbmap_fits(d, vma))
		return -EINVAL;
	/*
	 * TODO 2.2: honour the offset: a mapping at offset k pages starts at
	 * page k of the buffer.
	 */
	/*
	 * TODO 1.1: enter the buffer's page frames, from pfn on, into the
	 * process's page table for the whole VMA: remap_pfn_range().
	 */
	(void)len;
	(void)pfn;
	return -ENODEV;
}

/* /dev/wbmap-vmalloc: every page now, one page at a time. */
static int wbmap_mmap_vmalloc(struct wbmap_dev *d, struct vm_area_struct *vma)
{
	unsigned long addr;
	void *kaddr;
	int err;

	if (!wbmap_fits(d, vma))
		return -EINVAL;
	kaddr = d->buf + (vma->vm_pgoff << PAGE_SHIFT);
	/*
	 * TODO 3.1: map the buffer from kaddr on, one page at a time: the
	 * pages of a vmalloc buffer are scattered in physical memory.  Each
	 * has a struct page (vmalloc_to_page()) that vm_insert_page() enters
	 * into the page table.  Return the first error.  Unlike
	 * remap_pfn_range(), vm_insert_page() does not mark the VMA
	 * VM_DONTEXPAND | VM_DONTDUMP: do it here (vm_flags_set()).
	 */
	(void)addr;
	(void)kaddr;
	(void)err;
	return -ENODEV;
}

/* A VMA that maps the lazy buffer was copied (fork) or split in two. */
static void wbmap_vm_open(struct vm_area_struct *vma)
{
	struct wbmap_dev *d = vma->vm_private_data;

	/* TODO 5.1: count one more VMA that maps the buffer. */
	(void)d;
}

/* A VMA that maps the lazy buffer goes away (munmap, exit). */
static void wbmap_vm_close(struct vm_area_struct *vma)
{
	struct wbmap_dev *d = vma->vm_private_data;

	/* TODO 5.1: count one VMA less. */
	(void)d;
}

/*
 * User space touched a page of a lazy mapping that has no page table entry
 * yet: find the page, and the kernel maps it.  vmf->pgoff is the page's
 * offset in the buffer (the VMA's vm_pgoff included).
 */
static vm_fault_t wbmap_fault(struct vm_fault *vmf)
{
	struct wbmap_dev *d = vmf->vma->vm_private_data;
	struct page *page;

	atomic_long_inc(&d->faults);
	/*
	 * TODO 4.3: a page past the end of the buffer: VM_FAULT_SIGBUS, as for
	 * a page past the end of a file.
	 */
	/*
	 * TODO 4.2: the buffer's page at vmf->pgoff (vmalloc_to_page()) goes
	 * in vmf->page, with a reference taken for the page table (get_page()):
	 * the kernel drops it when the page is unmapped.  Return 0.
	 */
	(void)page;
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct wbmap_vm_ops = {
	.open = wbmap_vm_open,
	.close = wbmap_vm_close,
	.fault = wbmap_fault,
};

/*
 * /dev/wbmap-lazy: nothing now.  Like a file, it takes a mapping of any
 * length: the fault handler decides, page by page.
 */
static int wbmap_mmap_lazy(struct wbmap_dev *d, struct vm_area_struct *vma)
{
	/*
	 * TODO 4.1: map nothing: give the VMA our vm_operations_struct and
	 * the device (vm_private_data, for the fault handler), and mark it
	 * VM_DONTEXPAND (mremap() cannot grow it) | VM_DONTDUMP (no core dump
	 * reads it).  remap_pfn_range() did that last part for you.
	 */
	(void)wbmap_vm_ops;
	return -ENODEV;
	/* TODO 5.1: the first VMA is yours to count: .open is not called. */
	return 0;
}

static int wbmap_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct wbmap_dev *d = wbmap_of(file);

	/* A private mapping would copy device pages on write: refuse it. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	return d->mmap(d, vma);
}

static ssize_t wbmap_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	struct wbmap_dev *d = wbmap_of(file);

	return simple_read_from_buffer(ubuf, count, ppos, d->buf, d->size);
}

static long wbmap_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct wbmap_dev *d = wbmap_of(file);
	struct wbmap_stats st = {
		.size = d->size,
		.faults = atomic_long_read(&d->faults),
		.vmas = atomic_long_read(&d->vmas),
		.pfn = d->pages ? page_to_pfn(d->pages) : 0,
	};

	if (cmd != WBMAP_IOC_STATS)
		return -ENOTTY;
	if (copy_to_user((void __user *)arg, &st, sizeof(st)))
		return -EFAULT;
	return 0;
}

static const struct file_operations wbmap_fops = {
	/*
	 * TODO 5.2: a mapping outlives its file descriptor, and keeps the
	 * module's code and buffers in use: tie the files to this module.
	 */
	.mmap = wbmap_mmap,
	.read = wbmap_read,
	.unlocked_ioctl = wbmap_ioctl,
};

static struct wbmap_dev wbmap_devs[] = {
	{ .misc.name = WBMAP_CONTIG_DEV,
	  .letter = 'C',
	  .size = WBMAP_CONTIG_PAGES * PAGE_SIZE,
	  .mmap = wbmap_mmap_contig },
	{ .misc.name = WBMAP_VMALLOC_DEV,
	  .letter = 'V',
	  .size = WBMAP_VMALLOC_PAGES * PAGE_SIZE,
	  .mmap = wbmap_mmap_vmalloc },
	{ .misc.name = WBMAP_LAZY_DEV,
	  .letter = 'L',
	  .size = WBMAP_LAZY_PAGES * PAGE_SIZE,
	  .mmap = wbmap_mmap_lazy },
};

static void wbmap_free(struct wbmap_dev *d)
{
	/* TODO 5.3: give the buffer back: __free_pages() or vfree(). */
	(void)d;
	d->pages = NULL;
	d->buf = NULL;
}

static int wbmap_alloc(struct wbmap_dev *d)
{
	size_t off;

	if (d->mmap == wbmap_mmap_contig) {
		d->pages = alloc_pages(GFP_KERNEL, WBMAP_CONTIG_ORDER);
		if (!d->pages)
			return -ENOMEM;
		d->buf = page_address(d->pages);
	} else {
		/* vmalloc_user(): zeroed, and fit for mapping to user space */
		d->buf = vmalloc_user(d->size);
		if (!d->buf)
			return -ENOMEM;
	}
	for (off = 0; off < d->size; off += 8)
		wbmap_word(d->buf + off, d->letter, off);
	return 0;
}

static void wbmap_remove(int n)
{
	while (n-- > 0) {
		misc_deregister(&wbmap_devs[n].misc);
		wbmap_free(&wbmap_devs[n]);
	}
}

static int __init wbmap_init(void)
{
	int i, err;

	BUILD_BUG_ON(PAGE_SIZE != WBMAP_PAGE);
	for (i = 0; i < ARRAY_SIZE(wbmap_devs); i++) {
		struct wbmap_dev *d = &wbmap_devs[i];

		d->misc.minor = MISC_DYNAMIC_MINOR;
		d->misc.fops = &wbmap_fops;
		err = wbmap_alloc(d);
		if (!err) {
			err = misc_register(&d->misc);
			if (err)
				wbmap_free(d);
		}
		if (err) {
			pr_err("cannot set up /dev/%s: %d\n", d->misc.name,
			       err);
			wbmap_remove(i);
			return err;
		}
	}
	pr_info("/dev/%s, /dev/%s and /dev/%s are ready\n", WBMAP_CONTIG_DEV,
		WBMAP_VMALLOC_DEV, WBMAP_LAZY_DEV);
	return 0;
}

static void __exit wbmap_exit(void)
{
	wbmap_remove(ARRAY_SIZE(wbmap_devs));
	pr_info("unloaded\n");
}

module_init(wbmap_init);
module_exit(wbmap_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mmap workbook: a kernel buffer mapped eagerly and lazily");
