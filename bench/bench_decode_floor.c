/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Baseline of bench/bench_decode.sh: the plain C way to print what
 * `iommuctl decode vtd-sl-pte -` prints for the benchmark's entries
 * (present 4 KiB leaves): fgets, strtoull, and one printf per line, with
 * the field table written out by hand. No engine, no format tables, no
 * options: the rate a decoder of one format could reach with stdio.
 *   bench_decode_floor < ENTRIES > /dev/null
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

struct fld {
	const char *bits, *label;
	int hi, lo;
	char kind;	/* f flag, u number, e EMT, a address, r reserved */
};

static const struct fld flds[] = {
	{ "0", "Read", 0, 0, 'f' }, { "1", "Write", 1, 1, 'f' }, { "2", "Execute", 2, 2, 'f' },
	{ "5:3", "Extended Memory Type", 5, 3, 'e' }, { "6", "Ignore PAT", 6, 6, 'f' },
	{ "7", "Ignored", 7, 7, 'u' }, { "8", "Accessed", 8, 8, 'f' }, { "9", "Dirty", 9, 9, 'f' },
	{ "10", "Ignored", 10, 10, 'u' }, { "11", "Snoop", 11, 11, 'f' },
	{ "51:12", "Page Address", 51, 12, 'a' }, { "61:52", "Ignored", 61, 52, 'u' },
	{ "62", "Reserved", 62, 62, 'r' }, { "63", "Ignored", 63, 63, 'u' },
};
static const char *const emt[] = { "UC", "WC", "reserved (2)", "reserved (3)", "WT", "WP", "WB", "reserved (7)" };

int main(void)
{
	char line[256], raw[24];

	while (fgets(line, sizeof(line), stdin)) {
		uint64_t v = strtoull(line, NULL, 0), addr = v & 0xffffffffff000ULL;
		char raws[14][24], m[24];
		int w = 6, l;	/* the RAW column: as wide as the widest value, "0x1000" at least */

		for (size_t i = 0; i < sizeof(flds) / sizeof(flds[0]); i++) {
			const struct fld *f = &flds[i];

			l = snprintf(raws[i], sizeof(raws[i]), "0x%" PRIx64,
				     (uint64_t)(v >> f->lo & ((2ULL << (f->hi - f->lo)) - 1)));
			if (l > w)
				w = l;
		}
		l = snprintf(raw, sizeof(raw), "0x%" PRIx64, addr);
		if (l > w)
			w = l;
		printf("vtd-sl-pte 0x%016" PRIx64 " [level 1, layout pte]\n", v);
		for (size_t i = 0; i < sizeof(flds) / sizeof(flds[0]); i++) {
			const struct fld *f = &flds[i];
			uint64_t x = (uint64_t)(v >> f->lo & ((2ULL << (f->hi - f->lo)) - 1));
			const char *s = m;

			switch (f->kind) {
			case 'f': s = x ? "yes" : "no"; break;
			case 'e': s = emt[x]; break;
			case 'a': snprintf(m, sizeof(m), "0x%" PRIx64, x << 12); break;
			case 'r': s = x ? "not zero" : "zero"; break;
			default: snprintf(m, sizeof(m), "%" PRIu64, x); break;
			}
			printf("  %-6s %-21s %-*s %s\n", f->bits, f->label, w + 1, raws[i], s);
		}
		printf("  %-6s %-21s %-*s %s\n", "-", "Entry type", w + 1, "0x2", "leaf");
		printf("  %-6s %-21s %-*s %s\n", "-", "Output address", w + 1, raw, raw);
		printf("  %-6s %-21s %-*s %s\n", "-", "Page size", w + 1, "0x1000", "4K");
		snprintf(raw, sizeof(raw), "0x%" PRIx64, (uint64_t)(v & 7));
		printf("  %-6s %-21s %-*s %c%c%c-\n", "-", "Permissions", w + 1, raw,
		       v & 1 ? 'r' : '-', v & 2 ? 'w' : '-', v & 4 ? 'x' : '-');
	}
	return 0;
}
