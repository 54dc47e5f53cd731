#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
//@main
    struct sockaddr_in web = {.sin_family = AF_INET, .sin_port = htons(80)};
    struct sockaddr_in dns = {.sin_family = AF_INET, .sin_port = htons(53)};
    inet_pton(AF_INET, "1.1.1.1", &web.sin_addr);
    inet_pton(AF_INET, "8.8.8.8", &dns.sin_addr);
    int tcp = socket(AF_INET, SOCK_STREAM, 0), udp = socket(AF_INET, SOCK_DGRAM, 0);
    if (connect(tcp, (struct sockaddr *)&web, sizeof web) == 0 ||
        sendto(udp, "x", 1, 0, (struct sockaddr *)&dns, sizeof dns) == 1) {
        printf("NETWORK reached\n");
        return 3;
    }
    close(tcp);
    close(udp);
