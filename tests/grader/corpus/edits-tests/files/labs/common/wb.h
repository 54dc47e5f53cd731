#error "the grader must use its own wb.h"
