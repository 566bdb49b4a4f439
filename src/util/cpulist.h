/* cpulist.h — a CPU bitmap (bit c of byte c / 8 = CPU c, the layout of
 * libvirt's cpumaps, Xen's xc_cpumap_t and the kernel's masks) written as
 * the kernel writes a CPU list: "0-3,8,10-11". */
#ifndef XG_CPULIST_H
#define XG_CPULIST_H

#include <stddef.h>
#include <stdint.h>

/* The first nbits bits of map as a CPU list into buf ("" when none is
 * set). 0, or -1 when it does not fit in len (buf then ""). */
int xg_cpulist_format(const uint8_t *map, size_t nbits, char *buf,
                      size_t len);

/* ORs the first nbits bits of map into acc (len bytes; CPUs beyond it are
 * dropped); *accbits becomes the larger count (capped at len * 8). */
void xg_cpulist_or(uint8_t *acc, size_t len, size_t *accbits,
                   const uint8_t *map, size_t nbits);

#endif
