#!/usr/bin/env bats
# A fixture of tests/tools/test_wb.py: only its names and tags are read.

# bats test_tags=task:1_1,points:2
@test "1.1 plain" {
    true
}

# bats test_tags=task:1_1,points:1
@test "1.1 a \"quoted\" \\back\\slash, a comma <b>&amp; ]]>" {
    true
}

# bats test_tags=task:1_2,points:2
@test "1.2 the last one" {
    true
}
