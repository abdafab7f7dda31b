/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one mapping of -errno to the documented exit status (iommuctl.8,
 * EXIT STATUS).
 */
#include <errno.h>

#include "core/exitcodes.h"

int exit_status_from_err(int err)
{
	switch (-err) {
	case 0:
		return EXIT_OK;
	case EUSAGE:
		return EXIT_USAGE;
	case EDRIFT:
		return EXIT_DRIFT;
	case EVERDICT:
		return EXIT_FAIL;
	case ENOENT:
	case ENODEV:
	case ESRCH:
		return EXIT_NOTFOUND;
	case EOPNOTSUPP:
	case ENOTTY:
	case ENOSYS:
	case ELIBACC:	/* a library loaded on demand is not installed (core/dlib.h) */
		return EXIT_UNSUPPORTED;
	default:
		return EXIT_FAIL;
	}
}
