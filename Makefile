# The mmap workbook: the one entry point. `make help` lists the targets.
#   make / make check   build your labs and grade them    (LAB=01 for one lab)
#   make check TASK=2.1 only that task's tests              (LAB=01 TASK=2.1)
#   make watch          re-check on save, the current task first (keys: h n l r q)
#   make compile_commands.json   for clangd and editors (make and make check write it)
#   make check LABS=solutions                             (the reference solutions)
#   make test           the project's own test suite      (LAB=01: that lab's checks only)
#   make test-long      its long part: valgrind, unprivileged, variants, the grader's corpus (CI runs both)
#   make book           book/out/: HTML, PDF, EPUB (figures drawn from runs of the labs' programs)
#   make book EDITION=instructor   the same with answers and solutions (never in make dist)
#   make deps           install the Debian/Ubuntu packages the project uses
#   make starters       regenerate labs/*/*.c from solutions/ (course authors)
#   make dist           the student handout: build/dist/mmap-workbook.tar.gz
#   make grade SUBMISSION=path        grade one student (tree, .tar.gz/.zip, git bundle)
#   make grade-class SUBMISSIONS=dir  a whole class: build/grade-class/grades.csv
#   make gradescope     build/gradescope/autograder.zip
#   make classroom      build/classroom/mmap-workbook: a GitHub Classroom template (PrairieLearn: tools/prairielearn.sh)
#   make bench-grade    N=20: submissions graded per minute
#   make bench LAB=NN   a lab's benchmark: a table of ratios and a figure (build/bench/)
#   make soak N=50      the solutions' tests N times, root and not, under load
#   make bench-check    how long make check takes: task vs lab, lab vs bats' own floor

LABS ?= labs
LAB ?=
TASK ?=
ifndef BUILD # where the programs of LABS are built: one rule, tools/wb.py's
BUILD := $(shell tools/wb.py build-dir $(LABS))
endif
CC ?= cc
CFLAGS ?= -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror
CPPFLAGS += -I labs/common
LDLIBS ?= -lm

export LABS LAB TASK

.PHONY: all check watch test test-long book deps build starters clean help dist grade grade-class gradescope classroom bench-grade bench bench-check soak
.SECONDEXPANSION:

all: check

help:
	@sed -n '2,/^$$/s/^# //p' Makefile

# The packages the labs graded need (a lab that runs in the VM: a kernel and QEMU, ~670 MB).
check: compile_commands.json
	@tools/deps.sh core
	@tools/deps.sh $$(tools/wb.py deps $(LAB))
	@tools/check.sh

# inotify-tools is a help, not a need: without it make watch polls.
watch: compile_commands.json
	@tools/deps.sh core
	@tools/deps.sh --optional watch
	@tools/watch.sh

# The compilation database of the labs (and of the solutions, where they are):
# each program's own command, from this Makefile's CC, CPPFLAGS and CFLAGS, so
# that clangd shows the errors the compiler will report.
compile_commands.json: Makefile course.toml $(wildcard labs/*/*.c solutions/*/*.c)
	@tools/wb.py compile-commands "$(CC)" "$(CPPFLAGS)" "$(CFLAGS)" labs $(wildcard solutions) >$@.tmp && mv $@.tmp $@

test:
	@tools/deps.sh core book bookcheck kernel grader dev
	@tools/selftest.sh

test-long:
	@tools/deps.sh core kernel grader dev
	@tools/selftest.sh --long

book:
	@tools/deps.sh book
	@EDITION=$(EDITION) tools/book.sh book/out

deps:
	@tools/deps.sh
	@tools/annoy-headers.sh >/dev/null

starters:
	@tools/gen-starter.sh

# The instructor's side: a sandboxed grader (tools/grade.sh*; see README).
dist:
	@tools/dist.sh

grade:
	@tools/deps.sh core kernel grader
	@tools/grade.sh $(SUBMISSION)

# gnuplot draws the class's pass rate per task: a help, not a need.
grade-class:
	@tools/deps.sh core kernel grader
	@tools/deps.sh --optional bench
	@tools/grade-class.sh $(SUBMISSIONS)

gradescope:
	@tools/deps.sh grader
	@tools/gradescope.sh

classroom:
	@tools/classroom.sh

soak:
	@tools/deps.sh core soak $$(tools/wb.py deps $(LAB))
	@tools/soak.sh $(N)

# The reference programs unless LABS is given (this Makefile's own LABS is labs/).
bench:
	@tools/deps.sh core bench
	@LABS=$(if $(filter file,$(origin LABS)),,$(LABS)) tools/bench.sh

bench-check:
	@tools/deps.sh core
	@tools/bench-check.sh

bench-grade:
	@tools/deps.sh core kernel grader
	@tools/grade-bench.sh $(N)

# Compile every program of the chosen labs: $(LABS)/NN-topic/x.c -> $(BUILD)/NN-topic/x
lab_dirs := $(wildcard $(LABS)/$(if $(LAB),$(LAB)-*,[0-9][0-9]-*))
progs := $(patsubst $(LABS)/%.c,$(BUILD)/%,$(wildcard $(addsuffix /*.c,$(lab_dirs))))

build: $(progs)

# Each program on its own (make -k build: the others still build). A program
# that does not compile leaves no binary, only the compiler's messages in
# $(BUILD)/NN-topic/x.log: the tests that run x fail with its first error.
compile = $(CC) $(CPPFLAGS) -I $(dir $<) $(CFLAGS) -o $@ $< $(LDLIBS)
silent := $(findstring s,$(firstword -$(MAKEFLAGS)))
$(BUILD)/%: $(LABS)/%.c $(wildcard labs/common/*.h) $$(wildcard $$(dir $(LABS)/%)*.h)
	@mkdir -p $(@D) && rm -f $@ $@.log
	@$(if $(silent),:,echo '$(compile)')
	@$(compile) 2>$@.log; s=$$?; cat $@.log >&2; if [ $$s = 0 ]; then rm -f $@.log; fi; exit $$s


# The tests' own C programs, with the same compiler and flags: tests/lib/x.c -> $(TEST_BIN)/x,
# or $(TEST_BIN)/x.so, a shared object a test preloads into a lab's program
# (a lab's tests build theirs with TEST_BIN set to a directory of their own).
TEST_BIN ?= build/tests
$(TEST_BIN)/%: tests/lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<
$(TEST_BIN)/%.so: tests/lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -shared -fPIC -o $@ $<

clean:
	rm -rf build book/out
