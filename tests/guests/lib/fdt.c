/* SPDX-License-Identifier: MIT */
/*
 * A read-only flattened-device-tree walker (devicetree specification v0.4,
 * chapter 5), enough for test guests to find the GIC, virtio-mmio
 * transports and /chosen/bootargs. All 32-bit reads are 4-byte aligned, as
 * Device memory (MMU off) requires.
 */
#include "guest.h"

#define FDT_MAGIC 0xd00dfeedU
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static uint32_t be32_at(uint64_t addr)
{
	return __builtin_bswap32(*(const volatile uint32_t *)(uintptr_t)addr);
}

static uint32_t hdr(uint64_t fdt, unsigned int field)
{
	return be32_at(fdt + 4 * field);
}

static uint64_t fdt_struct(uint64_t fdt)
{
	return fdt + hdr(fdt, 2); /* off_dt_struct */
}

static const char *fdt_string(uint64_t fdt, uint32_t off)
{
	return (const char *)(uintptr_t)(fdt + hdr(fdt, 3) +
					 off); /* off_dt_strings */
}

static uint32_t align4(uint32_t v)
{
	return (v + 3) & ~3U;
}

bool fdt_valid(uint64_t fdt)
{
	return fdt && !(fdt & 3) && hdr(fdt, 0) == FDT_MAGIC &&
	       hdr(fdt, 5) >= 16; /* version */
}

/* The token at @off and, in *next, the offset of the one after it. */
static uint32_t fdt_token(uint64_t fdt, uint32_t off, uint32_t *next)
{
	uint64_t base = fdt_struct(fdt);
	uint32_t tag = be32_at(base + off);

	switch (tag) {
	case FDT_BEGIN_NODE:
		*next = off + 4 +
			align4((uint32_t)strlen((const char *)(uintptr_t)(base +
									  off +
									  4)) +
			       1);
		break;
	case FDT_PROP:
		*next = off + 12 + align4(be32_at(base + off + 4));
		break;
	default:
		*next = off + 4;
		break;
	}
	return tag;
}

static const char *node_name(uint64_t fdt, int node)
{
	return (const char *)(uintptr_t)(fdt_struct(fdt) + (uint32_t)node + 4);
}

static bool has_char(const char *s, char c, size_t len)
{
	while (len--) {
		if (*s++ == c)
			return true;
	}
	return false;
}

/* Path component [@comp, @comp + @len) against a node name. */
static bool name_matches(const char *name, const char *comp, size_t len)
{
	if (strncmp(name, comp, len))
		return false;
	return name[len] == '\0' ||
	       (name[len] == '@' && !has_char(comp, '@', len));
}

int fdt_path(uint64_t fdt, const char *path)
{
	uint32_t off = 0, next;
	int depth = -1, matched = 0, want = 0;
	const char *comp[8];
	size_t clen[8];
	const char *p;

	if (!fdt_valid(fdt) || path[0] != '/')
		return -1;
	for (p = path; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		if (want == (int)ARRAY_SIZE(comp))
			return -1;
		comp[want] = p;
		while (*p && *p != '/')
			p++;
		clen[want] = (size_t)(p - comp[want]);
		want++;
	}
	for (;;) {
		uint32_t tag = fdt_token(fdt, off, &next);

		if (tag == FDT_BEGIN_NODE) {
			depth++;
			if (depth == 0) {
				if (!want)
					return (int)off;
			} else if (matched == depth - 1 &&
				   name_matches(node_name(fdt, (int)off),
						comp[depth - 1],
						clen[depth - 1])) {
				matched = depth;
				if (matched == want)
					return (int)off;
			}
		} else if (tag == FDT_END_NODE) {
			if (matched > depth - 1 && depth > 0)
				matched = depth - 1;
			depth--;
			if (depth < 0)
				return -1;
		} else if (tag == FDT_END) {
			return -1;
		} else if (tag != FDT_PROP && tag != FDT_NOP) {
			return -1;
		}
		off = next;
	}
}

const void *fdt_prop(uint64_t fdt, int node, const char *name, int *len)
{
	uint64_t base;
	uint32_t off, next;

	if (node < 0 || !fdt_valid(fdt))
		return NULL;
	base = fdt_struct(fdt);
	if (fdt_token(fdt, (uint32_t)node, &off) != FDT_BEGIN_NODE)
		return NULL;
	for (;;) {
		uint32_t tag = fdt_token(fdt, off, &next);

		if (tag == FDT_PROP) {
			const char *pname =
				fdt_string(fdt, be32_at(base + off + 8));

			if (!strcmp(pname, name)) {
				if (len)
					*len = (int)be32_at(base + off + 4);
				return (const void *)(uintptr_t)(base + off +
								 12);
			}
		} else if (tag != FDT_NOP) {
			return NULL; /* a child node or the end of this one */
		}
		off = next;
	}
}

static bool compatible_has(const char *list, int len, const char *compat)
{
	int i = 0;

	while (i < len) {
		const char *s = list + i;

		if (!strcmp(s, compat))
			return true;
		i += (int)strlen(s) + 1;
	}
	return false;
}

int fdt_next_compatible(uint64_t fdt, int after, const char *compat)
{
	uint32_t off = 0, next;

	if (!fdt_valid(fdt))
		return -1;
	if (after >= 0)
		fdt_token(fdt, (uint32_t)after, &off);
	for (;;) {
		uint32_t tag = fdt_token(fdt, off, &next);

		if (tag == FDT_BEGIN_NODE) {
			int len;
			const char *c =
				fdt_prop(fdt, (int)off, "compatible", &len);

			if (c && compatible_has(c, len, compat))
				return (int)off;
		} else if (tag == FDT_END) {
			return -1;
		} else if (tag != FDT_END_NODE && tag != FDT_PROP &&
			   tag != FDT_NOP) {
			return -1;
		}
		off = next;
	}
}

uint32_t fdt_cell(const void *prop, unsigned int i)
{
	return be32_at((uintptr_t)prop + 4 * i);
}

uint64_t fdt_cells(const void *prop, unsigned int i, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 32 | fdt_cell(prop, i++);
	return v;
}

unsigned int fdt_nr_cpus(uint64_t fdt)
{
	int cpus = fdt_path(fdt, "/cpus");
	uint32_t off, next;
	unsigned int nr = 0;
	int depth = 0;

	if (cpus < 0)
		return 0;
	fdt_token(fdt, (uint32_t)cpus, &off);
	for (;;) {
		uint32_t tag = fdt_token(fdt, off, &next);

		if (tag == FDT_BEGIN_NODE) {
			if (depth == 0 &&
			    !strncmp(node_name(fdt, (int)off), "cpu@", 4))
				nr++;
			depth++;
		} else if (tag == FDT_END_NODE) {
			if (depth-- == 0)
				return nr;
		} else if (tag == FDT_END) {
			return nr;
		}
		off = next;
	}
}

static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

uint64_t bootarg_u64(uint64_t fdt, const char *key, uint64_t dflt)
{
	size_t klen = strlen(key);
	const char *args, *p;
	int len;

	args = fdt_prop(fdt, fdt_path(fdt, "/chosen"), "bootargs", &len);
	if (!args || len <= 0)
		return dflt;
	for (p = args; *p;) {
		const char *word;
		size_t wlen;
		uint64_t v;

		while (*p == ' ')
			p++;
		word = p;
		while (*p && *p != ' ')
			p++;
		wlen = (size_t)(p - word);
		if (wlen > klen && !strncmp(word, key, klen) &&
		    word[klen] == '=' &&
		    parse_u64(word + klen + 1, wlen - klen - 1, &v))
			return v;
	}
	return dflt;
}

int fdt_parent(uint64_t fdt, int node)
{
	uint32_t off = 0, next;
	int stack[16], depth = -1;

	if (node <= 0 || !fdt_valid(fdt))
		return -1;
	for (;;) {
		uint32_t tag = fdt_token(fdt, off, &next);

		if (tag == FDT_BEGIN_NODE) {
			if ((int)off == node)
				return depth >= 0 ? stack[depth] : -1;
			if (++depth == (int)ARRAY_SIZE(stack))
				return -1;
			stack[depth] = (int)off;
		} else if (tag == FDT_END_NODE) {
			if (--depth < -1)
				return -1;
		} else if (tag == FDT_END) {
			return -1;
		}
		off = next;
	}
}

static unsigned int cells_of(uint64_t fdt, int node, const char *name,
			     unsigned int dflt)
{
	const void *p = fdt_prop(fdt, node, name, NULL);

	return p ? fdt_cell(p, 0) : dflt;
}

/*
 * Entry @idx of @node's reg as a CPU address: through the ranges of every
 * bus above it (a Raspberry Pi 4's /soc moves its devices). 0 if a bus has
 * no ranges, or none holds the address.
 */
uint64_t fdt_reg_addr(uint64_t fdt, int node, unsigned int idx)
{
	int bus = fdt_parent(fdt, node), len;
	unsigned int ac, sc;
	const void *reg;
	uint64_t a;

	if (bus < 0)
		return 0;
	ac = cells_of(fdt, bus, "#address-cells", 2);
	sc = cells_of(fdt, bus, "#size-cells", 1);
	reg = fdt_prop(fdt, node, "reg", &len);
	if (!reg || ac < 1 || ac > 2 || sc > 2 ||
	    len < (int)(4 * (idx + 1) * (ac + sc)))
		return 0;
	a = fdt_cells(reg, idx * (ac + sc), ac);
	while (bus > 0) {
		int parent = fdt_parent(fdt, bus);
		unsigned int cac, csc, pac, w, i;
		const void *r = fdt_prop(fdt, bus, "ranges", &len);
		bool found = false;

		if (!r || parent < 0)
			return 0;
		cac = cells_of(fdt, bus, "#address-cells", 2);
		csc = cells_of(fdt, bus, "#size-cells", 1);
		pac = cells_of(fdt, parent, "#address-cells", 2);
		w = cac + pac + csc;
		for (i = 0; len && i + w <= (unsigned int)len / 4; i += w) {
			uint64_t cb = fdt_cells(r, i, cac);
			uint64_t pb = fdt_cells(r, i + cac, pac);
			uint64_t sz = fdt_cells(r, i + cac + pac, csc);

			if (a >= cb && a - cb < sz) {
				a = a - cb + pb;
				found = true;
				break;
			}
		}
		if (len && !found)
			return 0;
		bus = parent;
	}
	return a;
}
