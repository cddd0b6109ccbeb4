// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpf/asclass.bpf.c - the entry points: XDP on the receive side of a border
 * link, tc egress (a tcx link, or a clsact filter
 * where there is no tcx) on its transmit side.  Both are thin wrappers over
 * classify() and pass every packet, whatever happens. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>
#include <xdp/xdp_helpers.h>

#include "asclass.h"
#include "lib/classify.h"

/* libxdp run config: run early, and let programs after us run on XDP_PASS. */
struct {
	__uint(priority, 10);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(asclass_xdp);

SEC("xdp.frags")
int asclass_xdp(struct xdp_md *ctx)
{
	struct cursor c = {
		.pos = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	__u64 bytes;

	/* Multi-buffer frames (jumbo on some drivers) carry fragments beyond
	 * data_end; count the whole frame where the kernel can tell us. */
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_xdp_get_buff_len))
		bytes = bpf_xdp_get_buff_len(ctx);
	else
		bytes = c.end - c.pos;
	classify(&c, ASC_DIR_RX, ctx->ingress_ifindex, 0, bytes);
	return XDP_PASS;
}

/* Ethernet + two tags + an IPv4 header with the longest options. */
#define ASC_HDR_MAX (14 + ASC_VLAN_MAX * 4 + 60)

SEC("tc")
int asclass_tc(struct __sk_buff *skb)
{
	/* A tag the stack left for the driver to insert is not in the data. */
	__u16 hw_vlan = skb->vlan_present ? (skb->vlan_tci & VLAN_VID_MASK) : 0;
	__u32 linear = skb->data_end - skb->data;
	struct cursor c;

	/* Headers of a locally built or GSO skb can sit partly in fragments;
	 * make them linear (this moves bytes between buffers, it never
	 * changes the packet) so the parser sees them. */
	if (linear < ASC_HDR_MAX && skb->len > linear)
		bpf_skb_pull_data(skb, skb->len < ASC_HDR_MAX ? skb->len : ASC_HDR_MAX);
	/* Verifier workaround: without this barrier clang keeps &skb->data in a
	 * register across the call, and "dereference of modified ctx ptr" is
	 * refused. */
	asm volatile("" : "+r"(skb));
	c.pos = (void *)(long)skb->data;
	c.end = (void *)(long)skb->data_end;
	classify(&c, ASC_DIR_TX, skb->ifindex, hw_vlan, skb->len);
	/* Not TC_ACT_OK: on tcx that ends the hook, and the programs after
	 * ours (another asclass install's, anyone's clsact filters) would
	 * never see the packet.  No opinion runs them, and passes it. */
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
