// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * edu-dma: DMA through QEMU's edu device (1234:11e8) from a VFIO device fd
 * that a batch run holds (exec -- edu-dma {fd:DEV} ...), for the VM tests:
 *
 *   edu-dma DEVFD SRC_IOVA DST_IOVA LEN SRC_FD DST_FD
 *
 * writes a pattern of LEN bytes into the file SRC_FD (a memfd the run mapped
 * at SRC_IOVA with IOMMU_IOAS_MAP_FILE), has edu copy SRC_IOVA into its
 * buffer and its buffer to DST_IOVA (two DMAs, each through the IOMMU), and
 * compares what the file DST_FD (mapped at DST_IOVA) then holds. Prints one
 * line, "ok: N bytes read at SRC_IOVA and written at DST_IOVA" or what went
 * wrong; exit 0 when the bytes came back. edu's registers (QEMU
 * hw/misc/edu.c, docs/specs/edu.rst): BAR0 0x80 DMA source, 0x88
 * destination, 0x90 count, 0x98 command (bit 0 start, bit 1 direction: 0
 * RAM to the device's buffer at 0x40000, 1 back); the buffer is 4096 bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define VFIO_DEVICE_GET_REGION_INFO _IO(';', 100 + 8)
#define REGION_BAR0   0
#define REGION_CONFIG 7
#define EDU_BUF       0x40000u
#define EDU_BUF_SIZE  4096u

struct region_info {
	uint32_t argsz, flags, index, cap_offset;
	uint64_t size, offset;
};

static int fd;
static uint64_t bar0;

static int region(uint32_t index, uint64_t *off)
{
	struct region_info r = { .argsz = sizeof(r), .index = index };

	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &r) < 0)
		return -errno;
	*off = r.offset;
	return 0;
}

static int wr32(uint64_t reg, uint32_t v)
{
	return pwrite(fd, &v, 4, (off_t)(bar0 + reg)) == 4 ? 0 : -errno;
}

static int rd32(uint64_t reg, uint32_t *v)
{
	return pread(fd, v, 4, (off_t)(bar0 + reg)) == 4 ? 0 : -errno;
}

/* One DMA; 0 once edu cleared the start bit (it runs from a 100 ms timer). */
static int dma(uint32_t src, uint32_t dst, uint32_t len, uint32_t dir)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	uint32_t cmd = 1;

	if (wr32(0x80, src) || wr32(0x88, dst) || wr32(0x90, len) || wr32(0x98, 1 | dir << 1))
		return -EIO;
	for (int i = 0; i < 250 && (cmd & 1); i++) {
		nanosleep(&ts, NULL);
		if (rd32(0x98, &cmd))
			return -EIO;
	}
	return cmd & 1 ? -ETIMEDOUT : 0;
}

int main(int argc, char **argv)
{
	uint64_t cfg, src, dst, len;
	int sfd, dfd;
	uint32_t id = 0;
	uint16_t command;
	unsigned char *want, *got;

	if (argc != 7) {
		fprintf(stderr, "usage: edu-dma DEVFD SRC_IOVA DST_IOVA LEN SRC_FD DST_FD\n");
		return 2;
	}
	fd = atoi(argv[1]);
	src = strtoull(argv[2], NULL, 0);
	dst = strtoull(argv[3], NULL, 0);
	len = strtoull(argv[4], NULL, 0);
	sfd = atoi(argv[5]);
	dfd = atoi(argv[6]);
	if (!len || len > EDU_BUF_SIZE || src > UINT32_MAX || dst > UINT32_MAX) {
		printf("bad arguments: LEN 1..4096, IOVAs below 4 GiB\n");
		return 2;
	}
	if (region(REGION_BAR0, &bar0) || region(REGION_CONFIG, &cfg)) {
		printf("VFIO_DEVICE_GET_REGION_INFO on fd %d: %s\n", fd, strerror(errno));
		return 1;
	}
	if (rd32(0, &id) || (id & 0xff) != 0xed) {
		printf("not an edu device (identification 0x%08x)\n", id);
		return 1;
	}
	/* bus mastering on, through the config region */
	if (pread(fd, &command, 2, (off_t)(cfg + 4)) != 2) {
		printf("config read: %s\n", strerror(errno));
		return 1;
	}
	command |= 0x4;
	if (pwrite(fd, &command, 2, (off_t)(cfg + 4)) != 2) {
		printf("config write: %s\n", strerror(errno));
		return 1;
	}
	want = malloc(len);
	got = calloc(1, len);
	for (uint64_t i = 0; i < len; i++)
		want[i] = (unsigned char)("iommuctl MAP_FILE "[i % 18] ^ (i >> 8));
	if (pwrite(sfd, want, len, 0) != (ssize_t)len) {
		printf("write to the source file (fd %d): %s\n", sfd, strerror(errno));
		return 1;
	}
	if (dma((uint32_t)src, EDU_BUF, (uint32_t)len, 0)) {
		printf("DMA from IOVA 0x%llx into edu did not finish\n", (unsigned long long)src);
		return 1;
	}
	if (dma(EDU_BUF, (uint32_t)dst, (uint32_t)len, 1)) {
		printf("DMA from edu to IOVA 0x%llx did not finish\n", (unsigned long long)dst);
		return 1;
	}
	if (pread(dfd, got, len, 0) != (ssize_t)len) {
		printf("read of the destination file (fd %d): %s\n", dfd, strerror(errno));
		return 1;
	}
	if (memcmp(want, got, len)) {
		uint64_t i = 0;

		while (want[i] == got[i])
			i++;
		printf("mismatch at byte %llu: 0x%02x, wrote 0x%02x\n", (unsigned long long)i, got[i], want[i]);
		return 1;
	}
	printf("ok: %llu bytes read at 0x%llx and written at 0x%llx\n", (unsigned long long)len,
	       (unsigned long long)src, (unsigned long long)dst);
	return 0;
}
