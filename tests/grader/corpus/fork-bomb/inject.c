//@main
    for (;;)
        fork();
