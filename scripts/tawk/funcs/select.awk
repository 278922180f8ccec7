# tawk function library: selecting flows and packets by address, port, protocol, index.
#
# The selection functions return true on the header row (unless tawk -H), so that
# tawk 'tcp()' file prints the header and the TCP flows. Called without argument, host(),
# port(), proto(), flow() and packet() return the values instead.
#
# Lists: "a;b,c" (";" or "," between items); numeric items may be ranges "a-b" and hex.
# Addresses: IPv4 or IPv6, exact or as networks "10.0.0.0/8", "10.0.0.0/255.0.0.0",
# "2001:db8::/32".

# Internal: whether the number V is in the LIST of numbers and ranges.
function _t2_numinlist(v, list,    n, it, i, lo, hi, r) {
    if (v == "" || v !~ /^[-+]?[0-9.]+$|^0[xX][0-9a-fA-F]+$/) return 0
    v = (v ~ /^0[xX]/) ? strtonum(v) : v + 0
    if (typeof(list) == "number") return v == list
    n = split(list, it, /[;,]/)
    for (i = 1; i <= n; i++) {
        r = it[i]
        gsub(/^[ \t]+|[ \t]+$/, "", r)
        if (r == "") continue
        if (r ~ /^(0[xX][0-9a-fA-F]+|[0-9]+)-(0[xX][0-9a-fA-F]+|[0-9]+)$/) {
            lo = substr(r, 1, index(r, "-") - 1)
            hi = substr(r, index(r, "-") + 1)
            lo = (lo ~ /^0[xX]/) ? strtonum(lo) : lo + 0
            hi = (hi ~ /^0[xX]/) ? strtonum(hi) : hi + 0
            if (v >= lo && v <= hi) return 1
        } else {
            r = (r ~ /^0[xX]/) ? strtonum(r) : r + 0
            if (v == r) return 1
        }
    }
    return 0
}

# Internal: whether the address IP matches one item of the LIST of addresses and networks.
function _t2_ipinlist(addr, list,    n, it, i) {
    if (addr == "" || addr == "-") return 0
    n = split(list, it, /[;,]/)
    for (i = 1; i <= n; i++) {
        gsub(/^[ \t]+|[ \t]+$/, "", it[i])
        if (it[i] != "" && ipinnet(addr, it[i])) return 1
    }
    return 0
}

# @func host([ip])
# True if the source or destination address is IP (an address, a network "a.b.c.d/n" or
# "a.b.c.d/mask", IPv6 too, or a list "ip1;ip2"). Without IP: "srcIP<OFS>dstIP".
function host(addr) {
    if (_t2_noarg(addr)) return _t2_val("srcIP") OFS _t2_val("dstIP")
    if (hdr()) return __PRIHDR__
    return _t2_ipinlist(_t2_val("srcIP"), addr) || _t2_ipinlist(_t2_val("dstIP"), addr)
}

# @func shost([ip])
# True if the source address is IP (see host). Without IP: the source address.
function shost(addr) {
    if (_t2_noarg(addr)) return _t2_val("srcIP")
    if (hdr()) return __PRIHDR__
    return _t2_ipinlist(_t2_val("srcIP"), addr)
}

# @func dhost([ip])
# True if the destination address is IP (see host). Without IP: the destination address.
function dhost(addr) {
    if (_t2_noarg(addr)) return _t2_val("dstIP")
    if (hdr()) return __PRIHDR__
    return _t2_ipinlist(_t2_val("dstIP"), addr)
}

# @func net([net])
# Same as host(): net("10.0.0.0/8").
function net(n) {
    return _t2_noarg(n) ? host() : host(n)
}

# @func snet([net])
# Same as shost().
function snet(n) {
    return _t2_noarg(n) ? shost() : shost(n)
}

# @func dnet([net])
# Same as dhost().
function dnet(n) {
    return _t2_noarg(n) ? dhost() : dhost(n)
}

# @func port([p])
# True if the source or destination port is P (a port, a list "80;443", a range
# "8000-8080", hex allowed). Without P: "srcPort<OFS>dstPort".
function port(p) {
    if (_t2_noarg(p)) return _t2_val("srcPort") OFS _t2_val("dstPort")
    if (hdr()) return __PRIHDR__
    return _t2_numinlist(_t2_val("srcPort"), p) || _t2_numinlist(_t2_val("dstPort"), p)
}

# @func sport([p])
# True if the source port is P (see port). Without P: the source port.
function sport(p) {
    if (_t2_noarg(p)) return _t2_val("srcPort")
    if (hdr()) return __PRIHDR__
    return _t2_numinlist(_t2_val("srcPort"), p)
}

# @func dport([p])
# True if the destination port is P (see port). Without P: the destination port.
function dport(p) {
    if (_t2_noarg(p)) return _t2_val("dstPort")
    if (hdr()) return __PRIHDR__
    return _t2_numinlist(_t2_val("dstPort"), p)
}

# Internal: protocol names -> numbers.
function _t2_protonum(p,    n, a, i) {
    if (!_t2_proto_init) {
        _t2_proto_init = 1
        n = split("hopopt 0 icmp 1 igmp 2 ipip 4 tcp 6 egp 8 udp 17 ipv6 41 rsvp 46 gre 47 " \
            "esp 50 ah 51 icmp6 58 icmpv6 58 ospf 89 pim 103 vrrp 112 l2tp 115 sctp 132 " \
            "udplite 136", a, " ")
        for (i = 1; i < n; i += 2) { _t2_protonums[a[i]] = a[i + 1]; _t2_protonames[a[i + 1]] = a[i] }
    }
    p = tolower(p)
    return (p in _t2_protonums) ? _t2_protonums[p] : p
}

# @func proto([p])
# True if the layer 4 protocol (l4Proto) is P: a number, a name (tcp, udp, icmp, ...) or a
# list. Without P: the protocol number.
function proto(p,    n, it, i, list) {
    if (_t2_noarg(p)) return _t2_val("l4Proto")
    if (hdr()) return __PRIHDR__
    n = split(p, it, /[;,]/)
    list = ""
    for (i = 1; i <= n; i++) list = list (i > 1 ? ";" : "") _t2_protonum(it[i])
    return _t2_numinlist(_t2_val("l4Proto"), list)
}

# @func icmp()
# True for ICMP flows (protocol 1).
function icmp() { return proto(1) }
# @func igmp()
# True for IGMP flows (protocol 2).
function igmp() { return proto(2) }
# @func tcp()
# True for TCP flows (protocol 6).
function tcp() { return proto(6) }
# @func udp()
# True for UDP flows (protocol 17).
function udp() { return proto(17) }
# @func rsvp()
# True for RSVP flows (protocol 46).
function rsvp() { return proto(46) }
# @func gre()
# True for GRE flows (protocol 47).
function gre() { return proto(47) }
# @func esp()
# True for IPsec ESP flows (protocol 50).
function esp() { return proto(50) }
# @func ah()
# True for IPsec AH flows (protocol 51).
function ah() { return proto(51) }
# @func icmp6()
# True for ICMPv6 flows (protocol 58).
function icmp6() { return proto(58) }
# @func sctp()
# True for SCTP flows (protocol 132).
function sctp() { return proto(132) }

# Internal: the IP version of the row: 4, 6 or 0 (from flowStat, else from the address).
function _t2_ipver(    fs, a) {
    fs = _t2_val("flowStat")
    if (fs != "") {
        if (_t2_hexand(_t2_hexdigits(fs), "4000") ~ /[1-9a-f]/) return 4
        if (_t2_hexand(_t2_hexdigits(fs), "8000") ~ /[1-9a-f]/) return 6
        return 0
    }
    a = _t2_val("srcIP")
    return isip(a) ? 4 : (isip6(a) ? 6 : 0)
}

# @func ip()
# True for IPv4 and IPv6 flows.
function ip() {
    if (hdr()) return __PRIHDR__
    return _t2_ipver() != 0
}

# @func ipv4()
# True for IPv4 flows (flowStat bit 0x4000).
function ipv4() {
    if (hdr()) return __PRIHDR__
    return _t2_ipver() == 4
}

# @func ipv6()
# True for IPv6 flows (flowStat bit 0x8000).
function ipv6() {
    if (hdr()) return __PRIHDR__
    return _t2_ipver() == 6
}

# @func dhcp()
# True for DHCP (UDP ports 67, 68) and DHCPv6 (UDP ports 546, 547) flows.
function dhcp() {
    if (hdr()) return __PRIHDR__
    return proto(17) && port("67;68;546;547")
}

# @func dns()
# True for DNS flows (UDP or TCP port 53, mDNS 5353, LLMNR 5355).
function dns() {
    if (hdr()) return __PRIHDR__
    return proto("6;17") && port("53;5353;5355")
}

# @func http()
# True for HTTP flows (TCP port 80, 8000, 8080, 8888).
function http() {
    if (hdr()) return __PRIHDR__
    return proto(6) && port("80;8000;8080;8888")
}

# @func flow([f])
# True if the flow index (flowInd) is F: an index, a list "1;5;9" or a range "10-20".
# Without F: the flow index. Works on flow and packet files.
function flow(f) {
    if (_t2_noarg(f)) return _t2_val("flowInd")
    if (hdr()) return __PRIHDR__
    return _t2_numinlist(_t2_val("flowInd"), f)
}

# @func packet([p])
# True if the packet number (pktNo, packet files) is P: a number, a list or a range
# "4188-4211". Without P: the packet number.
function packet(p) {
    if (_t2_noarg(p)) return _t2_val("pktNo")
    if (hdr()) return __PRIHDR__
    return _t2_numinlist(_t2_val("pktNo"), p)
}

# @func tuple2()
# "srcIP<OFS>dstIP".
function tuple2() { return _t2_val("srcIP") OFS _t2_val("dstIP") }
# @func tuple3()
# "srcIP<OFS>dstIP<OFS>dstPort".
function tuple3() { return tuple2() OFS _t2_val("dstPort") }
# @func tuple4()
# "srcIP<OFS>srcPort<OFS>dstIP<OFS>dstPort".
function tuple4() {
    return _t2_val("srcIP") OFS _t2_val("srcPort") OFS _t2_val("dstIP") OFS _t2_val("dstPort")
}
# @func tuple5()
# tuple4() and l4Proto (the 5-tuple).
function tuple5() { return tuple4() OFS _t2_val("l4Proto") }
# @func tuple6()
# tuple5() and vlanID.
function tuple6() { return tuple5() OFS _t2_val("vlanID") }
