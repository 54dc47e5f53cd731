//@main
    static char block[1 << 16];
    memset(block, 'y', sizeof block);
    for (;;)
        if (write(1, block, sizeof block) < 0)
            return 1;
