# smpsim build. `make demo` and `make test` check (and, as root, install)
# their own prerequisites through tools/deps.sh.
.DELETE_ON_ERROR:
.SUFFIXES:

CC       ?= cc
OPENMP   ?= 1
PREFIX   ?= /usr/local
BUILD    ?= build
OPT      ?= -O2
SAN      ?=

WARN     := -Wall -Wextra -Wpedantic -Werror
CSTD     := -std=c11 -D_DEFAULT_SOURCE
PC_LIBS  := libpng libjpeg fftw3 freetype2
PC_CFLAGS := $(shell pkg-config --cflags $(PC_LIBS) 2>/dev/null || echo -I/usr/include/freetype2)
PC_LDLIBS := $(shell pkg-config --libs $(PC_LIBS) 2>/dev/null || echo -lpng -ljpeg -lfftw3 -lfreetype)
# The label typeface, compiled into the library (Debian's fonts-dejavu-core).
FONT_TTF ?= /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
ifeq ($(OPENMP),1)
OMPFLAGS := -fopenmp
endif
CFLAGS_ALL  = $(CSTD) $(OPT) $(WARN) $(OMPFLAGS) -pthread $(SAN) -MMD -MP -Iinclude -Isrc $(PC_CFLAGS) $(CFLAGS)
LDLIBS_ALL  = $(OMPFLAGS) -pthread $(SAN) $(PC_LDLIBS) -lm $(LDFLAGS) $(LDLIBS)

LIB_SRC  := $(wildcard src/*.c)
CLI_SRC  := $(wildcard src/cli/*.c)
TEST_SRC := $(wildcard tests/test_*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/font_ttf.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
IMGTOOL  := $(BUILD)/tests/imgtool
LIB      := $(BUILD)/libsmpsim.a
BIN      := $(BUILD)/smpsim
GEN      := $(BUILD)/tools/gen_scalp
BENCH    := $(BUILD)/bench/bench_pipeline $(BUILD)/bench/bench_sampler $(BUILD)/bench/bench_render \
            $(BUILD)/bench/bridson

.PHONY: analyze corpus fuzz fuzz-build docs all demo test check-deps check-test-deps sanitize bench install clean samples

all: check-deps $(BIN) $(LIB)

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

$(BUILD)/gen/font_ttf.o: $(BUILD)/gen/font_ttf.c
	$(CC) $(CSTD) $(OPT) $(WARN) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(CLI_OBJ) $(LIB) $(LDLIBS_ALL) -o $@

$(BUILD)/tests/%: tests/%.c tests/testutil.h bench/bridson.h tools/scene.c tools/scene.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Itools $(shell pkg-config --cflags cmocka 2>/dev/null) $< tools/scene.c $(LIB) \
	    $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka) $(LDLIBS_ALL) -o $@

$(IMGTOOL): tests/imgtool.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $< $(LIB) $(LDLIBS_ALL) -o $@

$(GEN): tools/gen_scalp.c tools/scene.c tools/scene.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Itools tools/gen_scalp.c tools/scene.c $(LIB) $(LDLIBS_ALL) -o $@

$(BUILD)/bench/%: bench/%.c bench/pointstats.h bench/bridson.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $< $(LIB) $(LDLIBS_ALL) -o $@

$(BUILD)/tools/strip: tools/strip.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $< $(LIB) $(LDLIBS_ALL) -o $@

# Static analysis with the checked-in configurations (.clang-tidy here).
analyze:
	cppcheck --enable=warning,performance,portability --std=c11 --error-exitcode=1 --inline-suppr -q \
	    -Iinclude -Isrc src
	clang-tidy --quiet src/*.c src/cli/*.c -- -std=c11 -D_DEFAULT_SOURCE -Iinclude -Isrc $(PC_CFLAGS) -fopenmp

# Fuzz targets (fuzz/): as plain programs they replay the corpus and the kept
# crashers in `make test`; `make fuzz` builds them with libFuzzer (clang) and
# runs each FUZZ_SECONDS.
FUZZ_TARGETS := image mask manifest args report
FUZZ_REPLAY  := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)
CLI_LIB_OBJ  := $(filter-out $(BUILD)/src/cli/main.o,$(CLI_OBJ))
FUZZ_SECONDS ?= 600

$(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/driver.h $(CLI_LIB_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Isrc/cli $< $(CLI_LIB_OBJ) $(LIB) $(LDLIBS_ALL) -o $@

corpus: $(LIB)
	@mkdir -p $(BUILD)/fuzz
	$(CC) $(CFLAGS_ALL) fuzz/mkcorpus.c $(LIB) $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka) \
	    $(LDLIBS_ALL) -o $(BUILD)/fuzz/mkcorpus
	$(BUILD)/fuzz/mkcorpus fuzz/corpus

FUZZ_FLAGS := -fsanitize=address,undefined
fuzz-build: check-test-deps
	$(MAKE) --no-print-directory CC=clang OPENMP=0 BUILD=build/fuzzlib OPT="-O1 -g" \
	    SAN="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" build/fuzzlib/libsmpsim.a $(patsubst $(BUILD)/%,build/fuzzlib/%,$(CLI_LIB_OBJ))
	@mkdir -p build/fuzz-run
	for t in $(FUZZ_TARGETS); do \
	    clang -std=c11 -D_DEFAULT_SOURCE -O1 -g -DSMP_LIBFUZZER $(FUZZ_FLAGS) -fsanitize=fuzzer -pthread \
	        -Iinclude -Isrc -Isrc/cli $(PC_CFLAGS) fuzz/fuzz_$$t.c \
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

# The README's pictures, made by the tool from scenes the project makes.
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
	    --dot 0.10,0.15,0.20 --cell-mm 15 -o docs/sweep-sheet.jpg --force

# The bundled sample: a synthetic scalp the project makes itself.
samples: $(GEN)
	$(GEN) --width 960 --height 720 --px-per-mm 8 --seed 7 \
	    -o samples/scalp.jpg --mask samples/scalp.mask.png --force

demo: all
	@mkdir -p out
	$(BIN) preview samples/scalp.jpg samples/scalp.mask.png --px-per-mm 8 -o out/preview.jpg --force
	$(BIN) preview samples/scalp.jpg samples/scalp.mask.png --px-per-mm 8 --sessions 3 -o out/preview.html --force
	$(BIN) render samples/scalp.jpg samples/scalp.mask.png --px-per-mm 8 -o out/after.png --force
	@echo "demo: wrote out/preview.jpg (before/after), out/preview.html (slider page) and out/after.png"

# With OpenMP on, a serial build is made too: the suite checks both give
# the same bytes.
ifeq ($(OPENMP)$(SAN),1)
SERIAL_BIN := $(BUILD)/serial/smpsim
$(SERIAL_BIN): FORCE
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/serial OPENMP=0 $(BUILD)/serial/smpsim
endif

test: check-test-deps all $(TESTS) $(IMGTOOL) $(GEN) $(SERIAL_BIN) $(FUZZ_REPLAY)
	@SMPSIM_SERIAL_BIN=$(SERIAL_BIN) tests/run.sh $(BUILD)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: check-test-deps
	SMPSIM_SANITIZED=1 $(MAKE) BUILD=build/san OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

bench: all $(BENCH) $(GEN)
	@bench/run.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/smpsim
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libsmpsim.a
	install -m 644 include/smpsim.h $(DESTDIR)$(PREFIX)/include/smpsim.h
	install -d $(DESTDIR)$(PREFIX)/share/doc/smpsim
	install -m 644 docs/FONT-LICENSE $(DESTDIR)$(PREFIX)/share/doc/smpsim/FONT-LICENSE
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@OMP@|$(OMPFLAGS)|' smpsim.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/smpsim.pc

clean:
	rm -rf build out

FORCE:

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
