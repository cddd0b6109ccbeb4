# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# mk/bench-mrt.mk - make bench: MRT reading speed, asclass mrt vs bgpdump -m
# on the same files (a generated 1M-entry RIB, plain/gzip/bzip2, and real
# update dumps).  Figures go to docs/BENCHMARKS.md, section "MRT reading".

.PHONY: bench-mrt
bench-mrt: $(O)/asclass $(O)/tests/gen/mrtgen
	$(Q)O=$(O) ASCLASS=$(O)/asclass tests/gen/bench_mrt.sh

BENCH_EXTRA += bench-mrt
