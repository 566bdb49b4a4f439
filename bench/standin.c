/* standin.c — a stand-in for a qemu process in the benchmark, where real VMs
 * would be too many: started as "qemu-system-x86_64 -name sN", it sleeps. */
#include <unistd.h>

int main(void)
{
    for (;;)
        pause();
}
