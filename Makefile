# SPDX-License-Identifier: GPL-2.0-or-later
# iommuctl: single, non-recursive Makefile.
#   make                 build ./iommuctl
#   make check           install test deps if missing, build, run every test
#   make run             install build deps if missing, build, run the main job
#   make DEVELOPER=1     add -Werror      make SANITIZE=address,undefined   sanitizers
#   make TEST_HOOKS=1    a test build: fault injection for the live tests (never a release)
#   make install PREFIX=/usr DESTDIR=/tmp/stage

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
# zsh's own default is site-functions under its prefix; Debian's zsh reads
# /usr/share/zsh/vendor-completions instead (its /usr/local still site-functions)
ZSHCOMPDIR ?= $(if $(and $(filter /usr,$(PREFIX)),$(wildcard /etc/debian_version)),$(DATADIR)/zsh/vendor-completions,$(DATADIR)/zsh/site-functions)
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
# udev reads rules only from its own directories, whatever PREFIX is; systemd
# reads units from $(PREFIX)/lib/systemd/system for /usr and /usr/local alike
UDEVRULESDIR ?= $(or $(shell $(PKG_CONFIG) --variable=udevdir udev 2>/dev/null),/usr/lib/udev)/rules.d
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system

CC         ?= cc
PKG_CONFIG ?= pkg-config
# The release number is the VERSION file's; a build from this project's git
# tree adds the commit: "0.2.0 (git e04fc84)" (iommuctl --version, snapshots)
VERSION    := $(shell cat $(CURDIR)/VERSION 2>/dev/null || echo 0.0.0)
GIT_COMMIT := $(shell [ "$$(git -C $(CURDIR) rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ] && \
              git -C $(CURDIR) describe --always --dirty --abbrev=7 --exclude='*' 2>/dev/null)
FULL_VERSION := $(VERSION)$(if $(GIT_COMMIT), (git $(GIT_COMMIT)))

# Required, all loaded on demand (src/core/dlib.h): text tables, reading
# JSON back, snapshot archives and the four kdump page compressions. Each
# must be present to build, but a command that needs none of them maps none.
DL_PC      := smartcols json-c libarchive zlib lzo2 snappy libzstd
LIBS_PC    := $(DL_PC)
# Optional: names of vendors, devices and classes as lspci gives them
# (libpci: pci.ids, then the udev hardware database), loaded on demand too.
OPT_PC     := $(shell $(PKG_CONFIG) --exists libpci 2>/dev/null && echo libpci)
# Optional: the kernel's BTF read from a crash dump (walk roots: the roots
# the kernel recorded), through libbpf, loaded on demand too.
OPT_PC     += $(shell $(PKG_CONFIG) --exists libbpf 2>/dev/null && echo libbpf)
# ID:NAME:PACKAGE of each library loaded on demand (scripts/dlib-sonames.sh)
DLIB_SPECS := ARCHIVE:archive:libarchive13 ZLIB:z:zlib1g LZO2:lzo2:liblzo2-2 SNAPPY:snappy:libsnappy1v5 \
              ZSTD:zstd:libzstd1 SMARTCOLS:smartcols:libsmartcols1 JSONC:json-c:libjson-c5 \
              $(if $(filter libpci,$(OPT_PC)),PCI:pci:libpci3) \
              $(if $(filter libbpf,$(OPT_PC)),BPF:bpf:libbpf1)
# The interlocks (group claim, type, release; apply), loaded on demand too:
# links, addresses and routes of every table through netlink, the mount
# table and the swaps through libmount.
DL_PC      += libnl-route-3.0 mount
LIBS_PC    += libnl-route-3.0 mount
DLIB_SPECS += NLROUTE:nl-route-3:libnl-route-3-200 MOUNT:mount:libmount1
READELF    ?= readelf
# dlopen is in libc since glibc 2.34; before, in libdl
DL_LIBS    := $(shell printf '\043include <dlfcn.h>\nint main(void){return !dlopen(0,0);}' | \
              $(CC) -x c - -o /dev/null 2>/dev/null || echo -ldl)
FEATURE_DEFS := -DHAVE_ZLIB=1 -DHAVE_LZO2=1 -DHAVE_SNAPPY=1 -DHAVE_ZSTD=1 \
              $(if $(filter libpci,$(OPT_PC)),-DHAVE_LIBPCI=1) \
              $(if $(filter libbpf,$(OPT_PC)),-DHAVE_LIBBPF=1)

# Tables of designated initializers leave fields out on purpose (clang's
# -Wextra would flag each).
WFLAGS     := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
              -Wmissing-declarations -Wold-style-definition -Wwrite-strings -Wpointer-arith \
              -Wundef -Wvla -Wno-unused-parameter -Wno-missing-field-initializers
ifeq ($(DEVELOPER),1)
WFLAGS     += -Werror
endif
# Fault injection (IOMMUCTL_TEST_PAUSE_AFTER_STEP) exists only in a test
# build; a release binary has no code that sleeps on a variable's word.
ifeq ($(TEST_HOOKS),1)
FEATURE_DEFS += -DIOMMUCTL_TEST_HOOKS=1
endif
SANFLAGS   :=
ifneq ($(SANITIZE),)
SANFLAGS   := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

CFLAGS     ?= -O2 -g

# Hardened by default, as Debian's dpkg-buildflags harden a package: the
# tool runs as root on untrusted files. Before CPPFLAGS/CFLAGS/LDFLAGS, so
# that the environment's flags win. tests/cli/test-hardening.sh checks the
# binary. FORTIFY needs optimization, and is left to the sanitizers in their
# builds; -fcf-protection is x86's, branch protection arm64's (cc-option
# keeps what the compiler takes, for the cross builds too).
comma      := ,
cc-option = $(shell $(CC) -Werror $(1) -x c -c /dev/null -o /dev/null 2>/dev/null && echo $(1))
HARDEN_CFLAGS := -fstack-protector-strong $(call cc-option,-fstack-clash-protection) \
              $(call cc-option,-fcf-protection) $(call cc-option,-mbranch-protection=standard) -fPIE
ifeq ($(SANITIZE),)
HARDEN_CFLAGS += $(if $(filter -O1 -O2 -O3 -Os -Og -Ofast,$(CFLAGS)),-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2)
endif
HARDEN_LDFLAGS := -pie -Wl,-z,relro -Wl,-z,now
# A PIE's tables of pointers are relocated at every start: DT_RELR packs
# the relative relocations into a bitmap (a few KB instead of 24 bytes
# each) where binutils (2.38) and the C library (glibc 2.36) support it.
ld-option = $(shell printf 'int main(void){return 0;}\n' | \
              $(CC) -Werror -pie -fPIE $(1) -x c - -o /dev/null 2>/dev/null && echo $(1))
HARDEN_LDFLAGS += $(call ld-option,-Wl$(comma)-z$(comma)pack-relative-relocs)

PC_CFLAGS  := $(shell $(PKG_CONFIG) --cflags $(LIBS_PC) $(OPT_PC) 2>/dev/null)
PC_LIBS    := $(DL_LIBS)
# the unit tests also call the libraries loaded on demand themselves
DL_PC_LIBS := $(shell $(PKG_CONFIG) --libs $(DL_PC) $(OPT_PC) 2>/dev/null)
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Isrc $(WFLAGS) $(HARDEN_CFLAGS) $(SANFLAGS) $(PC_CFLAGS) \
              -DIOMMUCTL_VERSION='"$(FULL_VERSION)"' $(FEATURE_DEFS) $(CPPFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS := $(HARDEN_LDFLAGS) $(SANFLAGS) $(LDFLAGS)

O          ?= build
SRCS       := $(sort $(wildcard src/*.c src/*/*.c src/*/*/*.c))
LIB_SRCS   := $(filter-out src/main.c,$(SRCS))
OBJS       := $(SRCS:%.c=$(O)/%.o)
LIB_OBJS   := $(LIB_SRCS:%.c=$(O)/%.o)
UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:%.c=$(O)/%)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2)
endif

.DELETE_ON_ERROR:
.PHONY: FORCE fuzz-targets all units check check-unit check-cli check-sync run deps test-deps install uninstall clean completions fuzz bench

BIN        := $(if $(filter build,$(O)),iommuctl,$(O)/iommuctl)

all: $(BIN)

units: $(UNIT_BINS)

$(BIN): $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(OBJS) $(PC_LIBS)

# Objects depend on the flags they were built with: a change of flags
# (SANITIZE, DEVELOPER, a new library) rebuilds everything.
FLAGS_STAMP := $(O)/.cflags
$(FLAGS_STAMP): FORCE
	@mkdir -p $(O)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(PC_LIBS) $(DLIB_SPECS)' | cmp -s - $@ || \
		echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(PC_LIBS) $(DLIB_SPECS)' > $@
FORCE:

# The SONAME and Debian package of each library loaded on demand, from the
# .so the linker would use; fails when one is missing.
$(O)/gen/dlib_sonames.h: scripts/dlib-sonames.sh $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call msg,GEN,$@)
	$(Q)scripts/dlib-sonames.sh '$(CC)' '$(READELF)' '$(LDFLAGS) $(DL_PC_LIBS)' $(DLIB_SPECS) > $@
$(O)/src/core/dlib.o: $(O)/gen/dlib_sonames.h
$(O)/src/core/dlib.o: ALL_CFLAGS += -I$(O)/gen

$(O)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/tests/unit/%: tests/unit/%.c $(LIB_OBJS) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Itests/unit -o $@ $< $(LIB_OBJS) $(PC_LIBS) $(DL_PC_LIBS) $(CMOCKA_LIBS)

# Fuzz targets: libFuzzer programs over every parser of untrusted input,
# built with clang in their own object directory, with -Werror: make check
# thereby also builds every source warning-free under clang.
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(FUZZ_SRCS:%.c=$(O)/%)
FUZZ_SECONDS ?= 60

$(O)/tests/fuzz/%: tests/fuzz/%.c $(LIB_OBJS) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB_OBJS) $(PC_LIBS)

fuzz-targets: $(FUZZ_BINS)

fuzz:
	@$(MAKE) --no-print-directory O=build-fuzz CC=clang DEVELOPER=1 SANITIZE=fuzzer-no-link,address,undefined fuzz-targets
	@tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

# The VFIO backend's unit tests run against a fake kernel: open() and ioctl()
# are wrapped at link time, and sendmsg() of the fake fds (send).
$(O)/tests/unit/test_vfio: ALL_LDFLAGS += -Wl,--wrap=ioctl,--wrap=open,--wrap=sendmsg

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d) $(FUZZ_BINS:=.d)

# Installs what the build needs (apt or dnf) when something is missing.
deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-main.sh ./iommuctl

# Every test, twice: the normal build, and a build with ASan and UBSan
# (skipped when SANITIZE is already set: then that build is the only one).
SAN_O      := build-san
check: test-deps
	@$(MAKE) --no-print-directory all units
ifeq ($(SANITIZE),)
	@$(MAKE) --no-print-directory O=$(SAN_O) SANITIZE=address,undefined TEST_HOOKS=1 all units
	@$(MAKE) --no-print-directory O=build-fuzz CC=clang DEVELOPER=1 SANITIZE=fuzzer-no-link,address,undefined fuzz-targets
	@tests/run-all.sh --fuzz build-fuzz $(O):$(BIN) $(SAN_O):$(SAN_O)/iommuctl
else
	@tests/run-all.sh $(O):$(BIN)
endif

check-unit: all units
	@tests/run-all.sh --only unit $(O):$(BIN)

check-cli: all
	@tests/run-all.sh --only cli $(O):$(BIN)

# The QEMU suites only, with every scenario of the Linux 7.2 / QEMU 11 world
# (make check boots a representative one per IOMMU family): tests/vm/README.
check-vm-all: test-deps
	@$(MAKE) --no-print-directory all
	@IOMMUCTL_VM_ALL=1 tests/run-all.sh --only vm $(O):$(BIN)

# Benchmarks (bench/README): ratios against baselines measured in the same
# run, no thresholds. BENCH picks some; inventory needs root.
BENCH ?= decode walk json_rss mem flat inventory
bench: all
	@set -e; for b in $(BENCH); do echo "== bench/bench_$$b.sh"; \
		case $$b in mem) bench/bench_mem.sh ;; *) bench/bench_$$b.sh ./$(BIN) ;; esac; done

# Regenerate the checked-in completion scripts from the command tables.
completions: $(BIN)
	./$(BIN) --completion bash > completions/iommuctl.bash
	./$(BIN) --completion zsh > completions/_iommuctl
	./$(BIN) --completion fish > completions/iommuctl.fish

# INSTALL_BIN: the binary to install, as built (no rebuild when it is given:
# tests/cli/test-install.sh installs the one it tests, the sanitizer build's too).
# Every path a file is installed to is in INSTALLED, for uninstall.
INSTALL_BIN ?= $(BIN)
INSTALLED  = $(BINDIR)/iommuctl $(addprefix $(MANDIR)/man8/,$(notdir $(wildcard man/*.8))) \
             $(BASHCOMPDIR)/iommuctl $(ZSHCOMPDIR)/_iommuctl $(FISHCOMPDIR)/iommuctl.fish \
             $(UDEVRULESDIR)/70-iommuctl.rules $(SYSTEMDUNITDIR)/iommuctl-apply.service
install: $(INSTALL_BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/iommuctl
	for p in man/*.8; do sed -e 's/@VERSION@/$(VERSION)/g' $$p > $(DESTDIR)$(MANDIR)/man8/$$(basename $$p); \
		chmod 0644 $(DESTDIR)$(MANDIR)/man8/$$(basename $$p); done
	install -m 0644 completions/iommuctl.bash $(DESTDIR)$(BASHCOMPDIR)/iommuctl
	install -m 0644 completions/_iommuctl $(DESTDIR)$(ZSHCOMPDIR)/_iommuctl
	install -m 0644 completions/iommuctl.fish $(DESTDIR)$(FISHCOMPDIR)/iommuctl.fish
	install -d $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(SYSTEMDUNITDIR)
	sed -e 's|@SBINDIR@|$(BINDIR)|g' dist/70-iommuctl.rules.in > $(DESTDIR)$(UDEVRULESDIR)/70-iommuctl.rules
	sed -e 's|@SBINDIR@|$(BINDIR)|g' dist/iommuctl-apply.service.in > $(DESTDIR)$(SYSTEMDUNITDIR)/iommuctl-apply.service
	chmod 0644 $(DESTDIR)$(UDEVRULESDIR)/70-iommuctl.rules $(DESTDIR)$(SYSTEMDUNITDIR)/iommuctl-apply.service

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

clean:
	rm -rf build $(SAN_O) build-fuzz $(O) iommuctl
