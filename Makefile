# SPDX-License-Identifier: BSD-2-Clause
# smpsim build. `make` only builds; `make demo` and `make test` check (and,
# as root, install) their own prerequisites through tools/deps.sh.
.DELETE_ON_ERROR:
.SUFFIXES:

CC       ?= cc
OPENMP   ?= 1
PREFIX   ?= /usr/local
LIBDIR   ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/smpsim
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
DESTDIR  ?=
BUILD    ?= build
OPT      ?= -O2
SAN      ?=

WARN     := -Wall -Wextra -Wpedantic -Werror
CSTD     := -std=c11 -D_DEFAULT_SOURCE -ffp-contract=off
PC_LIBS  := libpng libjpeg fftw3 freetype2
# Phone formats: HEIC/HEIF (libheif) and WebP (libwebp, its demuxer for ICC/EXIF).
PC_LIBS  += libheif libwebp libwebpdemux
# Captions in any script: shaping, font fallback, right-to-left order.
PC_LIBS  += harfbuzz fontconfig fribidi
PC_CFLAGS := $(shell pkg-config --cflags $(PC_LIBS) 2>/dev/null || echo -I/usr/include/freetype2)
# libheif is not linked: src/io/io_heif.c opens it on the first HEIC (its
# load alone costs every process about 10 ms of CPU).
PC_LDLIBS := $(shell pkg-config --libs $(filter-out libheif,$(PC_LIBS)) 2>/dev/null || echo -lpng -ljpeg -lfftw3 -lfreetype -lwebpdemux -lwebp -lharfbuzz -lfontconfig -lfribidi)
# The label typeface, compiled into the library (Debian's fonts-dejavu-core).
FONT_TTF ?= /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
ifeq ($(OPENMP),1)
OMPFLAGS := -fopenmp
# What a static link of the library needs besides the compiler's own runtime.
OMPLIBS  := $(if $(findstring clang,$(CC)),-lomp,-lgomp)
endif
# The release, from the public header; the shared library's ABI version
# (its soname) changes only when the ABI does.
VERSION   := $(shell sed -n 's/^\#define SMP_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\).*/\2/p' include/smpsim.h | paste -sd.)
SOVERSION := 0
# The library's objects serve the static and the shared library alike:
# position-independent, and nothing exported but the header's smp_* API.
LIB_CFLAGS := -fPIC -fvisibility=hidden -fno-semantic-interposition
CFLAGS_ALL  = $(CSTD) $(OPT) $(WARN) $(OMPFLAGS) -pthread $(SAN) -MMD -MP -Iinclude $(SRC_INC) $(PC_CFLAGS) $(CFLAGS)
LDLIBS_ALL  = $(OMPFLAGS) -pthread $(SAN) $(PC_LDLIBS) -lm $(LDFLAGS) $(LDLIBS)

# The library's layers, one folder each (docs/ARCHITECTURE.md), and the
# command line's folders; the CLI sees only include/ and its own headers.
LAYERS   := base io pipeline present analysis
CLI_DIRS := src/cli src/cli/batch src/cli/sweep
SRC_INC  := $(LAYERS:%=-Isrc/%)
CLI_INC  := $(CLI_DIRS:%=-I%)
LIB_SRC  := $(foreach d,$(LAYERS),$(wildcard src/$(d)/*.c))
CLI_SRC  := $(foreach d,$(CLI_DIRS),$(wildcard $(d)/*.c))
TEST_SRC := $(wildcard tests/test_*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/font_ttf.o $(BUILD)/gen/disc_lut.o
# The studio page, embedded when `make studio` has built it (web/studio/studio.mk).
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/studio_page.o
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
IMGTOOL  := $(BUILD)/tests/imgtool
LIB      := $(BUILD)/libsmpsim.a
SONAME   := libsmpsim.so.$(SOVERSION)
SOLIB    := $(BUILD)/libsmpsim.so.$(VERSION)
# The man page and the completions, generated from the --help texts.
CLIDOC   := $(BUILD)/smpsim.1 $(BUILD)/completion/smpsim $(BUILD)/completion/_smpsim
BIN      := $(BUILD)/smpsim
GEN      := $(BUILD)/tools/gen_scalp
BENCH    := $(BUILD)/bench/bench_pipeline $(BUILD)/bench/bench_sampler $(BUILD)/bench/bench_render \
            $(BUILD)/bench/bridson $(BUILD)/bench/bench_steps $(BUILD)/bench/tone_dump $(BUILD)/bench/studio_steps \
            $(BUILD)/bench/mask_edits $(BUILD)/bench/mask_edit_cg

.PHONY: analyze corpus fuzz fuzz-build docs all demo test test-build test-cli check-deps check-test-deps sanitize bench install \
        uninstall clean samples

all: $(BIN) $(LIB) $(SOLIB) $(CLIDOC)

# demo and test build on every core.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

check-deps:
	@FONT_TTF=$(FONT_TTF) tools/deps.sh build

check-test-deps:
	@FONT_TTF=$(FONT_TTF) tools/deps.sh test

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/gen/font_ttf.c: $(FONT_TTF) tools/embed.sh
	@mkdir -p $(@D)
	tools/embed.sh smp__font_ttf $(FONT_TTF) > $@

ifeq ($(SERIAL_FROM),)
$(BUILD)/gen/font_ttf.o: $(BUILD)/gen/font_ttf.c
	$(CC) $(CSTD) $(OPT) $(WARN) $(LIB_CFLAGS) -c $< -o $@

# The dot profile table, computed once at build time by a host program
# (plain flags: it runs here, whatever the library is built for).
$(BUILD)/tools/gen_disc_lut: tools/gen_disc_lut.c src/pipeline/optics.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(OPT) $(WARN) -Iinclude $(LAYERS:%=-Isrc/%) $< -lm -o $@

$(BUILD)/gen/disc_lut.c: $(BUILD)/tools/gen_disc_lut
	@mkdir -p $(@D)
	$< > $@

$(BUILD)/gen/disc_lut.o: $(BUILD)/gen/disc_lut.c
	$(CC) $(CSTD) $(OPT) $(WARN) $(LIB_CFLAGS) $(SAN) -Iinclude $(LAYERS:%=-Isrc/%) -c $< -o $@
endif

$(LIB_OBJ): CFLAGS_ALL += $(LIB_CFLAGS)
$(CLI_OBJ): SRC_INC := $(CLI_INC)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# libsmpsim.so.X.Y.Z with the soname libsmpsim.so.$(SOVERSION), and the two
# links a loader and a linker look for. Sanitized builds leave the
# sanitizer runtime to the program, so they cannot insist on no undefined symbols.
$(SOLIB): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) $(if $(SAN),,-Wl,--no-undefined) $(LIB_OBJ) $(LDLIBS_ALL) -o $@
	ln -sf $(@F) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/libsmpsim.so

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(CLI_OBJ) $(LIB) $(LDLIBS_ALL) -o $@

# A unit test links the library and cmocka; those that draw a synthetic
# scalp (they include tools/scene.h) also the scene.
# The scene is compiled once for all of them and gen_scalp.
SCENE_OBJ   := $(BUILD)/tools/scene.o
SCENE_TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(shell grep -l '"scene.h"' $(TEST_SRC)))
$(BUILD)/tests/%: tests/%.c tests/testutil.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(shell pkg-config --cflags cmocka 2>/dev/null) $< \
	    $(if $(filter $@,$(SCENE_TESTS)),-Itools $(SCENE_OBJ)) $(LIB) \
	    $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka) $(LDLIBS_ALL) -o $@
$(SCENE_TESTS): $(SCENE_OBJ) tools/scene.h
$(BUILD)/tests/test_analyze: bench/bridson.h
# test_formats writes HEIC files with libheif itself (the library opens it
# only to read them).
$(BUILD)/tests/test_formats: LDLIBS_ALL += $(shell pkg-config --libs libheif 2>/dev/null || echo -lheif)

# The allocation-failure test sees the library's malloc, calloc and realloc
# through the linker's --wrap (tests/test_oom.c).
$(BUILD)/tests/test_oom: LDLIBS_ALL += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc

$(IMGTOOL): tests/imgtool.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $< $(LIB) $(LDLIBS_ALL) -o $@

$(GEN): tools/gen_scalp.c $(SCENE_OBJ) tools/scene.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Itools tools/gen_scalp.c $(SCENE_OBJ) $(LIB) $(LDLIBS_ALL) -o $@

$(BUILD)/bench/%: bench/%.c bench/pointstats.h bench/bridson.h bench/steps.h bench/pnm.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $< $(LIB) $(LDLIBS_ALL) -o $@

$(BUILD)/tools/strip: tools/strip.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $< $(LIB) $(LDLIBS_ALL) -o $@

# The help texts in src/cli/ are the one source of the man page and the
# completions: tools/mkman.sh reads them from the built command.
$(BUILD)/smpsim.1: $(BIN) tools/mkman.sh tools/cli-doc.roff
	tools/mkman.sh $(BIN) man > $@
$(BUILD)/completion/smpsim: $(BIN) tools/mkman.sh tools/cli-doc.bash
	@mkdir -p $(@D)
	tools/mkman.sh $(BIN) bash > $@
$(BUILD)/completion/_smpsim: $(BIN) tools/mkman.sh tools/cli-doc.zsh
	@mkdir -p $(@D)
	tools/mkman.sh $(BIN) zsh > $@

# Static analysis with the checked-in configurations (.clang-tidy here).
analyze:
	cppcheck --enable=warning,performance,portability --std=c11 --error-exitcode=1 --inline-suppr -q \
	    -Iinclude $(SRC_INC) $(CLI_INC) src
	clang-tidy --quiet $(LIB_SRC) $(CLI_SRC) -- -std=c11 -D_DEFAULT_SOURCE -Iinclude $(SRC_INC) $(CLI_INC) \
	    $(PC_CFLAGS) -fopenmp

# Fuzz targets (fuzz/): as plain programs they replay the corpus and the kept
# crashers in `make test`; `make fuzz` builds them with libFuzzer (clang) and
# runs each FUZZ_SECONDS.
FUZZ_TARGETS := image mask manifest args report resume settings points
FUZZ_REPLAY  := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)
CLI_LIB_OBJ  := $(filter-out $(BUILD)/src/cli/main.o,$(CLI_OBJ))
FUZZ_SECONDS ?= 600

$(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/driver.h $(CLI_LIB_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(CLI_INC) $< $(CLI_LIB_OBJ) $(LIB) $(LDLIBS_ALL) -o $@

corpus: $(LIB)
	@mkdir -p $(BUILD)/fuzz
	$(CC) $(CFLAGS_ALL) fuzz/mkcorpus.c $(LIB) $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka) \
	    $(LDLIBS_ALL) -o $(BUILD)/fuzz/mkcorpus
	$(BUILD)/fuzz/mkcorpus fuzz/corpus
	fuzz/phone_seeds.sh fuzz/corpus

FUZZ_FLAGS := -fsanitize=address,undefined
fuzz-build: check-test-deps
	$(MAKE) --no-print-directory CC=clang OPENMP=0 BUILD=build/fuzzlib OPT="-O1 -g" \
	    SAN="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" build/fuzzlib/libsmpsim.a $(patsubst $(BUILD)/%,build/fuzzlib/%,$(CLI_LIB_OBJ))
	@mkdir -p build/fuzz-run
	for t in $(FUZZ_TARGETS); do \
	    clang -std=c11 -D_DEFAULT_SOURCE -O1 -g -DSMP_LIBFUZZER $(FUZZ_FLAGS) -fsanitize=fuzzer -pthread \
	        -Iinclude $(SRC_INC) $(CLI_INC) $(PC_CFLAGS) fuzz/fuzz_$$t.c \
	        $(patsubst $(BUILD)/%,build/fuzzlib/%,$(CLI_LIB_OBJ)) build/fuzzlib/libsmpsim.a $(PC_LDLIBS) -lm \
	        -o build/fuzz-run/fuzz_$$t || exit 1; \
	done

fuzz: fuzz-build
	for t in $(FUZZ_TARGETS); do \
	    mkdir -p build/fuzz-run/corpus_$$t build/fuzz-run/crashes_$$t; \
	    build/fuzz-run/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=10 \
	        -artifact_prefix=build/fuzz-run/crashes_$$t/ build/fuzz-run/corpus_$$t fuzz/corpus/$$t \
	        2>build/fuzz-run/$$t.log; \
	    tail -3 build/fuzz-run/$$t.log; \
	done

# The README's pictures, made by the tool from scenes the project makes, and
# the gallery of the real photos in $(PHOTOS) when they are there.
PHOTOS ?= ../shared/photos
docs: all $(GEN) $(BUILD)/tools/strip
	$(BIN) preview samples/scalp.jpg samples/scalp.mask.png --px-per-mm 8 -o docs/sample-preview.jpg --force \
	    --date none --max-size 1000
	for l in side split sessions; do SOURCE_DATE_EPOCH=1795000000 $(BIN) preview samples/scalp.jpg \
	    samples/scalp.mask.png --px-per-mm 8 --layout $$l --caption "Sample client" --max-size 1200 \
	    -o docs/layout-$$l.jpg --force || exit 1; done
	$(GEN) --width 640 --height 480 --px-per-mm 24 --seed 5 -o $(BUILD)/zoom.png --mask $(BUILD)/zoom.mask.png --force
	for k in 1 2 3; do $(BIN) render $(BUILD)/zoom.png $(BUILD)/zoom.mask.png --px-per-mm 24 --sessions 3 \
	    --session $$k -o $(BUILD)/session$$k.png --force || exit 1; done
	$(BUILD)/tools/strip docs/sessions.jpg $(BUILD)/zoom.png $(BUILD)/session1.png $(BUILD)/session2.png \
	    $(BUILD)/session3.png
	$(BIN) points --width-mm 200 --height-mm 200 --density 100 -o $(BUILD)/docs-points.csv --force
	$(BIN) analyze $(BUILD)/docs-points.csv --plot docs/spectrum.png --force >/dev/null
	$(BIN) sweep samples/scalp.jpg samples/scalp.mask.png --px-per-mm 8 --density 40:160:40 \
	    --dot 0.20,0.28,0.35 --cell-mm 15 -o docs/sweep-sheet.jpg --force
	tools/gallery.sh $(BUILD) $(PHOTOS) docs/gallery
	tools/masks_gallery.sh $(BUILD) $(PHOTOS) docs/masks
	tools/painters.sh $(BUILD) $(PHOTOS)

# The bundled sample: a synthetic scalp the project makes itself.
samples: $(GEN)
	$(GEN) --width 960 --height 720 --px-per-mm 8 --seed 7 \
	    -o samples/scalp.jpg --mask samples/scalp.mask.png --force

demo: check-deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@mkdir -p out
	$(BIN) preview samples/scalp.jpg samples/scalp.mask.png --px-per-mm 8 -o out/preview.jpg --force
	$(BIN) preview samples/scalp.jpg samples/scalp.mask.png --px-per-mm 8 --sessions 3 -o out/preview.html --force
	$(BIN) render samples/scalp.jpg samples/scalp.mask.png --px-per-mm 8 -o out/after.png --force
	@$(MAKE) --no-print-directory studio
	$(BIN) studio -o out/studio.html --force
	@echo "demo: wrote out/preview.jpg (before/after), out/preview.html (slider page), out/after.png and" \
	    "out/studio.html (the offline consultation studio)"

# With OpenMP on, a serial build is made too: the suite checks both give
# the same bytes.
ifeq ($(OPENMP)$(SAN),1)
SERIAL_BIN := $(BUILD)/serial/smpsim
$(SERIAL_BIN): FORCE $(LIB_OBJ) $(filter-out $(BUILD)/gen/studio_page.o,$(CLI_OBJ))
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/serial OPENMP=0 STUDIO_PAGE= SERIAL_FROM=$(BUILD) $(BUILD)/serial/smpsim
endif

# In the serial build (SERIAL_FROM is the OpenMP build's folder), a source
# with no OpenMP in it compiles to the same object with or without
# -fopenmp, so its object is copied, not compiled again; the generated
# tables are compiled without OpenMP flags in both. Every use of OpenMP is
# spelt SMP_OMP (internal.h), _OPENMP, omp_* or omp.h: a file naming none
# is OpenMP-free. Should another header name them, nothing is copied.
ifneq ($(SERIAL_FROM),)
OMP_RE     := OMP|OPENMP|omp_|omp\.h
OMP_HDRS   := $(shell grep -lE '$(OMP_RE)' $(filter-out src/base/internal.h,$(wildcard include/*.h src/*/*.h src/cli/*/*.h)))
OMP_SRC    := $(if $(OMP_HDRS),$(LIB_SRC) $(CLI_SRC),$(shell grep -lE '$(OMP_RE)' $(LIB_SRC) $(CLI_SRC)))
SERIAL_COPIED := $(patsubst %.c,$(BUILD)/%.o,$(filter-out $(OMP_SRC),$(LIB_SRC) $(CLI_SRC))) \
                 $(BUILD)/gen/font_ttf.o $(BUILD)/gen/disc_lut.o
$(SERIAL_COPIED): $(BUILD)/%: $(SERIAL_FROM)/%
	@mkdir -p $(@D)
	cp $< $@
endif

# The prerequisites first, then the build on every core (a sub-make, so that
# nothing compiles before they are there), with the studio page when
# emscripten is there (web/studio/studio.mk), then the suites.
test: check-test-deps
	@$(MAKE) --no-print-directory -j$(JOBS) test-build $(STUDIO_FOR_TEST)
	@SMPSIM_SERIAL_BIN=$(SERIAL_BIN) tests/run.sh $(BUILD)

test-build: all $(TESTS) $(IMGTOOL) $(GEN) $(SERIAL_BIN) $(FUZZ_REPLAY)

# One CLI suite alone, or those matching a pattern: make test-cli T=batch
# (tests/cli/batch.sh), T='*' for all of tests/cli/.
T ?= *
test-cli: check-test-deps
	@$(MAKE) --no-print-directory -j$(JOBS) all $(IMGTOOL) $(GEN)
	@tests/run.sh $(BUILD) 'cli/$(T)'

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: check-test-deps
	SMPSIM_SANITIZED=1 $(MAKE) BUILD=build/san OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

bench: all $(BENCH) $(GEN)
	@bench/run.sh $(BUILD)

# PREFIX (and LIBDIR, BINDIR, ...) is where the files will live; DESTDIR,
# when set, is a staging root they are copied under (for packaging).
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(DOCDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/smpsim
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libsmpsim.a
	install -m 755 $(SOLIB) $(DESTDIR)$(LIBDIR)/$(notdir $(SOLIB))
	ln -sf $(notdir $(SOLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libsmpsim.so
	install -m 644 include/smpsim.h $(DESTDIR)$(INCLUDEDIR)/smpsim.h
	install -m 644 LICENSE $(DESTDIR)$(DOCDIR)/LICENSE
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 $(BUILD)/smpsim.1 $(DESTDIR)$(MANDIR)/man1/smpsim.1
	install -m 644 $(BUILD)/completion/smpsim $(DESTDIR)$(BASHCOMPDIR)/smpsim
	install -m 644 $(BUILD)/completion/_smpsim $(DESTDIR)$(ZSHCOMPDIR)/_smpsim
	install -m 644 docs/FONT-LICENSE $(DESTDIR)$(DOCDIR)/FONT-LICENSE
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@OMPLIBS@|$(OMPLIBS)|' smpsim.pc.in \
	    > $(DESTDIR)$(LIBDIR)/pkgconfig/smpsim.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/smpsim $(DESTDIR)$(LIBDIR)/libsmpsim.a $(DESTDIR)$(LIBDIR)/libsmpsim.so \
	    $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/$(notdir $(SOLIB)) $(DESTDIR)$(LIBDIR)/pkgconfig/smpsim.pc \
	    $(DESTDIR)$(INCLUDEDIR)/smpsim.h $(DESTDIR)$(DOCDIR)/LICENSE $(DESTDIR)$(DOCDIR)/FONT-LICENSE \
	    $(DESTDIR)$(MANDIR)/man1/smpsim.1 $(DESTDIR)$(BASHCOMPDIR)/smpsim $(DESTDIR)$(ZSHCOMPDIR)/_smpsim
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf build out

FORCE:

include web/studio/studio.mk

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SCENE_OBJ:.o=.d)
