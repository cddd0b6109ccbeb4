# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/gen/bird_static.awk - a route table as text (PREFIX ORIGIN TRANSIT
# ..., as `realpath table` writes it: tests/lib/rtgen.h's synthetic table)
# -> the body of a BIRD 2 static protocol: one blackhole route per prefix of
# family FAM (4 or 6) whose AS path is "TRANSIT ORIGIN" (just "ORIGIN" when
# they are the same), so that an upstream BIRD exporting it over eBGP
# announces "UPSTREAM TRANSIT ORIGIN".  Prefixes BIRD would refuse as bogus
# (IPv4 127/8, 169.254/16, 0/8 and 224/3; IPv6 outside 2000::/3) are left
# out and counted on stderr.  Usage: awk -v fam=4 -f bird_static.awk TABLE
function bogus4(p, o) {
	split(p, o, ".")
	return o[1] == 0 || o[1] == 127 || o[1] >= 224 || (o[1] == 169 && o[2] == 254)
}
function bogus6(p) { return p !~ /^[23][0-9a-f]*:/ }
{
	v6 = index($1, ":") > 0
	if (v6 != (fam == 6))
		next
	if (v6 ? bogus6($1) : bogus4($1)) {
		left++
		next
	}
	t = $3 == $2 || $3 == 0 ? "" : " bgp_path.prepend(" $3 ");"
	printf "route %s blackhole { bgp_path.prepend(%s);%s };\n", $1, $2, t
}
END { if (left) printf "bird_static.awk: IPv%s: %d bogus prefixes left out\n", fam, left > "/dev/stderr" }
