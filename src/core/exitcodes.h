/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exit statuses of iommuctl. These are interface: scripts test them, and
 * iommuctl(8) documents them under EXIT STATUS. Never renumber.
 */
#ifndef IOMMUCTL_EXITCODES_H
#define IOMMUCTL_EXITCODES_H

#define EXIT_OK          0  /* success */
#define EXIT_FAIL        1  /* the operation failed */
#define EXIT_USAGE       2  /* bad command line */
#define EXIT_NOTFOUND    3  /* the selected object does not exist */
#define EXIT_UNSUPPORTED 4  /* this kernel, backend or source cannot do it, or a library it needs is missing */
#define EXIT_DRIFT       5  /* apply --check: the machine differs from the desired state */

/*
 * Private error number for "the command line is wrong", returned as
 * -EUSAGE like any -errno so that it maps to EXIT_USAGE. Chosen far above
 * the kernel's errno range.
 */
#define EUSAGE 4096
/* Private error number for "the machine differs from the desired state": EXIT_DRIFT. */
#define EDRIFT 4097
/*
 * Private error number for "the command's answer is no" (snapshot diff:
 * the two differ; doctor: problems found): EXIT_FAIL, with no error
 * message and no error object, the answer being the output itself.
 */
#define EVERDICT 4098

int exit_status_from_err(int err);

#endif
