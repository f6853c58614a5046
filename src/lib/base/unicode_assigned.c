/* Which code points Unicode 15.0.0 assigns (General_Category not Cn).
 *
 * The answer comes from a committed, generated table and never from the
 * linked utf8proc: a newer library knows more characters, and text/v1 must
 * accept exactly the same set in thirty years as today. */
#include "internal.h"
#include "unicode_assigned_table.h"

#define NRANGES (sizeof(ags_assigned_ranges) / sizeof(ags_assigned_ranges[0]))

int ags_unicode_assigned(uint32_t cp)
{
	size_t lo = 0, hi = NRANGES;

	/* The first range starts at U+0000 (and ends at U+0377): nearly
	 * every character of an agreement is in it and needs no search. */
	if (cp <= ags_assigned_ranges[0][1])
		return 1;
	/* Binary search for the range whose first <= cp, then check last. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < ags_assigned_ranges[mid][0])
			hi = mid;
		else if (cp > ags_assigned_ranges[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}
