/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* bpf/lib/consts.h - the macros BTF cannot carry (vmlinux.h has types and
 * enums, not #defines), defined once for every BPF source. */
#ifndef ASC_BPF_CONSTS_H
#define ASC_BPF_CONSTS_H

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8

/* tc verdict: no opinion, the next program or filter on the hook runs (the
 * last one's no opinion passes the packet) */
#define TC_ACT_UNSPEC (-1)

#define VLAN_VID_MASK 0x0fff

#endif
