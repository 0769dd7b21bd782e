# SPDX-License-Identifier: BSD-2-Clause
# The consultation studio (issue 15): the library in WebAssembly, built
# with Debian's emscripten, serial (no OpenMP) and without the codecs (the
# page decodes and encodes with the browser's), and the one-file page
# around it. Included by the Makefile; `make studio` builds build/studio.html.
EMCC       ?= emcc
empty :=
space := $(empty) $(empty)
comma := ,
# Debian's emcc runs its optimiser on node with Debian's acorn module.
EMCC_ENV   := NODE_PATH=/usr/share/nodejs$(if $(NODE_PATH),:$(NODE_PATH))
STUDIO_DIR := $(BUILD)/studio
# Left out: the codecs and the label font (libraries the page has no use
# for: the browser decodes, encodes and draws text), point-set spectra
# (FFTW) and the linked-library list.
STUDIO_SKIP := io_png io_jpeg io_webp io_heif font analyze version
STUDIO_SRC  := $(filter-out $(addprefix %/,$(addsuffix .c,$(STUDIO_SKIP))),$(LIB_SRC)) $(BUILD)/gen/disc_lut.c web/studio/glue.c
STUDIO_OBJ  := $(STUDIO_SRC:%.c=$(STUDIO_DIR)/obj/%.o)
STUDIO_INC  := -Iinclude $(patsubst %/,-I%,$(sort $(dir $(filter src/%,$(LIB_SRC)))))
STUDIO_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -ffp-contract=off -O2 $(WARN) $(STUDIO_INC)
# A second engine for browsers with WebAssembly SIMD (the page picks it
# when they validate a SIMD module): these sources built with -msimd128,
# the rest the same objects. The renderer's loops are vectorised by hand;
# the photo's maps and measures (focus.c, strands.c, shine.c, shade.c,
# realism.c, follicles.c) have loops the autovectoriser takes, element by
# element with no reassociation (-ffp-contract=off, no fast-math), so the
# same bytes: a fresh engine's skin maps took a quarter less time in node.
# The other sources gained nothing measurable and grew the module.
STUDIO_SIMD_SRC := $(addprefix src/pipeline/,render.c focus.c strands.c shine.c shade.c realism.c follicles.c)
STUDIO_SIMD_OBJ := $(foreach o,$(STUDIO_OBJ),$(if $(filter $(STUDIO_SIMD_SRC:%.c=$(STUDIO_DIR)/obj/%.o),$(o)),$(o:$(STUDIO_DIR)/obj/%=$(STUDIO_DIR)/simd/%),$(o)))
# What the page calls: the glue's st_* (marked in glue.c) and these setters.
STUDIO_EXPORTS := _malloc _free $(addprefix _smp_params_set_,density density_auto dot_diameter dot_auto \
                  px_per_mm dilution edge age layers show_session regularity opacity feather) _smp_params_message
STUDIO_LDFLAGS := -O2 -sMODULARIZE=1 -sEXPORT_NAME=SmpStudio -sENVIRONMENT=web,worker,node -sALLOW_MEMORY_GROWTH=1 \
                  -sMAXIMUM_MEMORY=4GB -sEXPORTED_RUNTIME_METHODS=UTF8ToString,FS \
                  -sEXPORTED_FUNCTIONS=$(subst $(space),$(comma),$(STUDIO_EXPORTS))
STUDIO_PAGE_SRC := web/studio/page.html web/studio/studio.css web/studio/studio.js web/studio/mkpage.sh \
                   web/studio/settings.js web/studio/worker.js web/studio/tone.js

.PHONY: studio check-studio-deps studio-simd-objs

# The page inside the command (smpsim studio), when it has been built.
STUDIO_PAGE := $(wildcard $(BUILD)/studio.html)
$(BUILD)/gen/studio_page.c: $(STUDIO_PAGE) tools/embed.sh
	@mkdir -p $(@D)
	$(if $(STUDIO_PAGE),tools/embed.sh smp_studio_html $(STUDIO_PAGE),printf '%s\n' \
	    '/* No studio page was built (make studio): smpsim studio says so. */' '#include <stddef.h>' \
	    'const unsigned char smp_studio_html[1] = {0};' 'const size_t smp_studio_html_len = 0;') > $@

$(BUILD)/gen/studio_page.o: $(BUILD)/gen/studio_page.c
	$(CC) $(CSTD) $(OPT) $(WARN) -c $< -o $@

check-studio-deps:
	@tools/deps.sh studio

# emcc compiles a source by running clang with emscripten's flags: clang
# called directly with them makes the same object byte for byte and spares
# emcc's half-second start (its Python) on each of the ~47 sources. The
# compiler and its flags are asked of emcc once per build directory.
$(STUDIO_DIR)/clang.sh:
	@mkdir -p $(@D)
	$(EMCC_ENV) sh -c 'v=$$(em-config CLANG_ADD_VERSION) && r=$$(em-config LLVM_ROOT) && f=$$($(EMCC) --cflags) && \
	    printf "EMCLANG=%s/clang%s\nEMCLANG_FLAGS=\"%s\"\n" "$$r" "$${v:+-$$v}" "$$f"' > $@.tmp && mv $@.tmp $@

$(STUDIO_DIR)/obj/%.o: %.c $(STUDIO_DIR)/clang.sh
	@mkdir -p $(@D)
	. $(STUDIO_DIR)/clang.sh && $$EMCLANG $$EMCLANG_FLAGS $(STUDIO_CFLAGS) -MMD -MP -c $< -o $@

$(STUDIO_DIR)/simd/%.o: %.c $(STUDIO_DIR)/clang.sh
	@mkdir -p $(@D)
	. $(STUDIO_DIR)/clang.sh && $$EMCLANG $$EMCLANG_FLAGS $(STUDIO_CFLAGS) -msimd128 -MMD -MP -c $< -o $@

$(STUDIO_DIR)/smpsim.js: $(STUDIO_OBJ)
	$(EMCC_ENV) $(EMCC) $(STUDIO_OBJ) $(STUDIO_LDFLAGS) -o $@

# The same loader (mkpage.sh checks it); its wasm is the page's second.
$(STUDIO_DIR)/simd/smpsim.js: $(STUDIO_SIMD_OBJ)
	$(EMCC_ENV) $(EMCC) $(STUDIO_SIMD_OBJ) $(STUDIO_LDFLAGS) -o $@

$(BUILD)/studio.html: $(STUDIO_DIR)/smpsim.js $(STUDIO_DIR)/simd/smpsim.js $(STUDIO_PAGE_SRC)
	web/studio/mkpage.sh $(STUDIO_DIR)/smpsim.js $(STUDIO_DIR)/smpsim.wasm $(STUDIO_DIR)/simd/smpsim.js \
	    $(STUDIO_DIR)/simd/smpsim.wasm > $@.tmp && mv $@.tmp $@

# The SIMD engine's objects but the glue (bench/studio_steps.sh links them with its own).
studio-simd-objs:
	@echo $(filter-out %/glue.o,$(STUDIO_SIMD_OBJ))

# The page, then the command again so that `smpsim studio` carries it.
studio: check-studio-deps
	@$(MAKE) --no-print-directory $(BUILD)/studio.html
	@$(MAKE) --no-print-directory $(BIN)
	@echo "studio: wrote $(BUILD)/studio.html ($$(wc -c < $(BUILD)/studio.html) bytes); smpsim studio -o FILE writes it too"

# make test: the page is built with everything else (so the command embeds
# it) when emscripten is there (tools/deps.sh test installs it as root);
# without it the studio's suite skips. Not for a sanitized build (the
# page's engine is not the sanitized library).
# Asked in the recipe, after check-test-deps may have installed it.
STUDIO_FOR_TEST = $$(if [ -z "$(SAN)" ] && command -v $(EMCC) >/dev/null 2>&1; then echo STUDIO_PAGE=$(BUILD)/studio.html; fi)

-include $(STUDIO_OBJ:.o=.d) $(STUDIO_SIMD_SRC:%.c=$(STUDIO_DIR)/simd/%.d)
