#!/usr/bin/env bats
# bats test_tags=task:1_1,points:2
@test "1.1 mcat prints a multi-page file byte for byte" { true; }
