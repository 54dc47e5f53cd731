//@main
    for (;;) {
    }
