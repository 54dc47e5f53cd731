#!/usr/bin/env bats
# A fixture of tests/tools/test_wb.py: only its names and tags are read.

# bats test_tags=task:1_1,points:2
@test "1.1 first" {
    true
}

# bats test_tags=task:1_1,points:2
@test "1.1 second" {
    true
}
