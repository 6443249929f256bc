// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writing the slots of the direct-branch live patching backend.
 *
 * One slot at a time, the text-poke path maps the page of the slot on a
 * fixmap, takes a lock, writes, unmaps and cleans the caches: several
 * hundred instructions, all of them spent while every CPU is stopped.
 * For a batch the writable alias is made before stop_machine instead: the
 * text pages that hold the slots are mapped once with vmap(), read-write
 * and never executable.  Inside stop_machine each slot is then one store
 * and one D-cache clean, and the I-cache is invalidated once for the whole
 * batch.  The alias is unmapped, and its TLB entries flushed, as soon as
 * stop_machine returns.  When the alias cannot be made, the slots are
 * written through text-poke as before: the batch never fails for it.
 */

#include <linux/bsearch.h>
#include <linux/error-injection.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#include <asm/alternative.h>
#include <asm/cacheflush.h>
#include <asm/cpufeature.h>
#include <asm/insn.h>
#include <asm/livepatch.h>
#include <asm/patching.h>
#include <asm/tlbflush.h>

static struct page *klp_text_page(unsigned long addr)
{
	if (core_kernel_text(addr))
		return phys_to_page(__pa_symbol(addr));
	if (is_vmalloc_or_module_addr((void *)addr))
		return vmalloc_to_page((void *)addr);
	return NULL;
}

static int klp_cmp_addr(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Map the pages that hold @slots (sorted).  @pages receives the text
 * address of each page, in order, and @nr_pages their number once mapped.
 */
static void *klp_text_vmap(const unsigned long *slots, unsigned int nr_slots,
			   unsigned long *pages, unsigned int *nr_pages)
{
	struct page **map;
	unsigned int i, n = 0;
	void *area = NULL;

	map = kvmalloc_array(nr_slots, sizeof(*map), GFP_KERNEL);
	if (!map)
		return NULL;
	for (i = 0; i < nr_slots; i++) {
		if (n && pages[n - 1] == (slots[i] & PAGE_MASK))
			continue;
		/* Look the page up by the slot: a page start may lie before _stext. */
		map[n] = klp_text_page(slots[i]);
		if (!map[n])
			goto out;
		pages[n++] = slots[i] & PAGE_MASK;
	}
	area = vmap(map, n, VM_MAP, PAGE_KERNEL);
	if (area)
		*nr_pages = n;
out:
	kvfree(map);
	return area;
}

/**
 * klp_arch_writer_map() - make a writable alias of the slots of a batch
 * @w:		the writer, filled in
 * @sites:	the sites whose slots the batch writes
 * @nr:		number of @sites
 *
 * Sets the alias of every site when the alias could be made.  Otherwise
 * (no memory, a slot in text that is neither the kernel image's nor
 * vmalloc'ed) no site gets one, and klp_arch_write_site() falls back to
 * text-poke.  Must be undone with klp_arch_writer_unmap() once no write is
 * in progress.  May sleep.
 */
void klp_arch_writer_map(struct klp_arch_writer *w, struct klp_arch_site **sites,
			 unsigned int nr)
{
	unsigned long *slots, *pages;
	unsigned int i;

	w->area = NULL;
	w->nr_pages = 0;
	for (i = 0; i < nr; i++)
		sites[i]->alias = NULL;
	if (!nr)
		return;

	slots = kvmalloc_array(2 * nr, sizeof(*slots), GFP_KERNEL);
	if (!slots)
		return;
	pages = slots + nr;
	for (i = 0; i < nr; i++)
		slots[i] = (unsigned long)sites[i]->slot;
	sort(slots, nr, sizeof(*slots), klp_cmp_addr, NULL);

	w->area = klp_text_vmap(slots, nr, pages, &w->nr_pages);
	for (i = 0; w->area && i < nr; i++) {
		unsigned long slot = (unsigned long)sites[i]->slot;
		unsigned long key = slot & PAGE_MASK;
		unsigned long *page = bsearch(&key, pages, w->nr_pages,
					      sizeof(*pages), klp_cmp_addr);

		sites[i]->alias = w->area + (page - pages) * PAGE_SIZE +
				  offset_in_page(slot);
	}
	kvfree(slots);
}

/**
 * klp_arch_writer_unmap() - remove the alias made by klp_arch_writer_map()
 * @w:		the writer
 * @sites:	the sites given to klp_arch_writer_map()
 * @nr:		number of @sites
 *
 * The page table entries go at once and the TLB entries of the range are
 * flushed on every CPU, so no writable view of the text remains.
 */
void klp_arch_writer_unmap(struct klp_arch_writer *w,
			   struct klp_arch_site **sites, unsigned int nr)
{
	unsigned long start = (unsigned long)w->area;
	unsigned int i;

	for (i = 0; i < nr; i++)
		sites[i]->alias = NULL;
	if (!w->area)
		return;
	vunmap(w->area);
	flush_tlb_kernel_range(start, start + w->nr_pages * PAGE_SIZE);
	w->area = NULL;
	w->nr_pages = 0;
}

/* Clean the D-cache line of @addr to the point of unification, no barrier. */
static __always_inline void klp_dcache_clean_line(unsigned long addr)
{
	if (alternative_has_cap_unlikely(ARM64_HAS_CACHE_IDC))
		return;
	asm volatile(ALTERNATIVE("dc cvau, %0", "dc civac, %0",
				 ARM64_WORKAROUND_CLEAN_CACHE)
		     : : "r" (addr) : "memory");
}

static int klp_arch_store_site(const struct klp_arch_site *site, u32 insn)
{
	if (!site->alias)
		return aarch64_insn_patch_text_nosync(site->slot, insn);
	WRITE_ONCE(*(__le32 *)site->alias, cpu_to_le32(insn));
	klp_dcache_clean_line((unsigned long)site->slot);
	return 0;
}

/**
 * klp_arch_write_site() - write the slot of a site
 * @site:	the site
 * @insn:	the new encoding of its slot
 *
 * Called inside stop_machine.  Through the alias of the batch, the store
 * is followed only by a clean of its line to the point of unification,
 * without a barrier; the writer must call klp_arch_write_sync() once after
 * the batch.  Without an alias, the slot is written through text-poke,
 * which cleans and invalidates by itself.  A fault can be injected here
 * (fail_function), to test that a batch is written whole or not at all.
 *
 * Return: 0 or the error of the text-poke write.
 */
int klp_arch_write_site(const struct klp_arch_site *site, u32 insn)
{
	return klp_arch_store_site(site, insn);
}
ALLOW_ERROR_INJECTION(klp_arch_write_site, ERRNO);

/**
 * klp_arch_undo_site() - put back a slot that this batch wrote
 * @site:	the site, written by klp_arch_write_site() in this batch
 * @insn:	the encoding its slot had before
 *
 * Called inside stop_machine, when a later write of the batch failed, so
 * that the batch leaves every slot as it was.  The same write succeeded a
 * moment ago.
 *
 * Return: 0 or the error of the text-poke write.
 */
int klp_arch_undo_site(const struct klp_arch_site *site, u32 insn)
{
	return klp_arch_store_site(site, insn);
}

/**
 * klp_arch_write_sync() - complete a batch of writes
 * @w:		the writer of the batch
 *
 * Waits for the stores and the cleans of the batch, then invalidates all
 * I-caches of the inner shareable domain once, instead of once per slot.
 * Every CPU must still run klp_arch_sync_core() afterwards.
 */
void klp_arch_write_sync(const struct klp_arch_writer *w)
{
	if (!w->area)
		return;
	dsb(ish);
	icache_inval_all_pou();
}

/**
 * klp_arch_sync_core() - discard instructions fetched before a text write
 */
void klp_arch_sync_core(void)
{
	isb();
}
