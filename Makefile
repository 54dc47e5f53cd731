# The mmap workbook: the one entry point. `make help` lists the targets.
#   make / make check   build your labs and grade them    (LAB=01 for one lab)
#   make check LABS=solutions                             (the reference solutions)
#   make test           the project's own test suite      (LAB=01: that lab's checks only)
#   make book           book/out/: HTML, PDF, EPUB
#   make deps           install the Debian/Ubuntu packages the project uses
#   make starters       regenerate labs/*/*.c from solutions/ (course authors)
#   make dist           the student handout: build/dist/mmap-workbook.tar.gz
#   make grade SUBMISSION=path        grade one student (tree, .tar.gz/.zip, git bundle)
#   make grade-class SUBMISSIONS=dir  a whole class: build/grade-class/grades.csv
#   make gradescope     build/gradescope/autograder.zip
#   make bench-grade    N=20: submissions graded per minute
#   make bench LAB=NN   a lab's benchmark: a table of ratios and a figure (build/bench/)

LABS ?= labs
LAB ?=
BUILD ?= build/$(notdir $(abspath $(LABS)))
CC ?= cc
CFLAGS ?= -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror
CPPFLAGS += -I labs/common

export LABS LAB

.PHONY: all check test book deps build starters clean help dist grade grade-class gradescope bench-grade bench
.SECONDEXPANSION:

all: check

help:
	@sed -n '2,14s/^# //p' Makefile

# The kernel lab's packages (a kernel image and headers, QEMU: ~670 MB) only when it is graded.
check:
	@tools/deps core $(if $(filter-out 06,$(LAB)),,kernel)
	@tools/check

test:
	@tools/deps core book kernel grader
	@tools/selftest

book:
	@tools/deps book
	@tools/book book/out

deps:
	@tools/deps
	@tools/annoy-headers >/dev/null

starters:
	@tools/gen-starter

# The instructor's side: a sandboxed grader (tools/grade*; see README).
dist:
	@tools/dist

grade:
	@tools/deps core kernel grader
	@tools/grade $(SUBMISSION)

grade-class:
	@tools/deps core kernel grader
	@tools/grade-class $(SUBMISSIONS)

gradescope:
	@tools/deps grader
	@tools/gradescope

bench:
	@tools/deps core bench
	@tools/bench

bench-grade:
	@tools/deps core kernel grader
	@tools/grade-bench $(N)

# Compile every program of the chosen labs: $(LABS)/NN-topic/x.c -> $(BUILD)/NN-topic/x
lab_dirs := $(wildcard $(LABS)/$(if $(LAB),$(LAB)-*,[0-9][0-9]-*))
progs := $(patsubst $(LABS)/%.c,$(BUILD)/%,$(wildcard $(addsuffix /*.c,$(lab_dirs))))

build: $(progs)

$(BUILD)/%: $(LABS)/%.c $(wildcard labs/common/*.h) $$(wildcard $$(dir $(LABS)/%)*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -I $(dir $<) $(CFLAGS) -o $@ $< $(LDLIBS)

# Lab 09 computes square roots (sqrtf): its programs link the math library.
$(BUILD)/09-annoy-index/%: LDLIBS += -lm

clean:
	rm -rf build book/out
