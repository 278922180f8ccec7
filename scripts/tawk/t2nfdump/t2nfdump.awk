# tawk -n: nfdump-style names for the columns of a T2 flow file, and nfdump's output lines.
#
# ts te td: first seen, last seen, duration; pr: protocol name; sa da sp dp: addresses and
# ports; sap dap: address:port; pkt ipkt opkt: packets (sent, sent, received); byt ibyt
# obyt: bytes; flg: TCP flags as nfdump writes them (UAPRSF); mpls1..mpls10, mpls: MPLS
# labels; bps pps bpp: bits/s, packets/s, bytes per packet; oline(), olong(), oextended():
# print the row as nfdump's line, long and extended formats (and return 0).

# @func ts()
# First seen (timeFirst).
function ts() { return _t2_val("timeFirst") }
# @func te()
# Last seen (timeLast).
function te() { return _t2_val("timeLast") }
# @func td()
# Duration in seconds.
function td() { return _t2_val("duration") }
# @func pr()
# The layer 4 protocol as a name (TCP, UDP, ICMP, ...) or its number.
function pr(    p) {
    p = _t2_val("l4Proto")
    _t2_protonum("tcp")
    return (p in _t2_protonames) ? toupper(_t2_protonames[p]) : p
}
# @func sa()
# Source address.
function sa() { return _t2_val("srcIP") }
# @func da()
# Destination address.
function da() { return _t2_val("dstIP") }
# @func sp()
# Source port.
function sp() { return _t2_val("srcPort") }
# @func dp()
# Destination port.
function dp() { return _t2_val("dstPort") }
# @func sap()
# Source address:port.
function sap() { return sa() ":" sp() }
# @func dap()
# Destination address:port.
function dap() { return da() ":" dp() }
# @func pkt()
# Packets (sent by this flow direction).
function pkt() { return _t2_val("pktsSnt") }
# @func ipkt()
# Input packets (sent by this direction).
function ipkt() { return _t2_val("pktsSnt") }
# @func opkt()
# Output packets (received: sent by the opposite direction).
function opkt() { return _t2_val("pktsRcvd") }
# @func byt()
# Bytes (sent by this direction).
function byt() { return _t2_val("l7BytesSnt") }
# @func ibyt()
# Input bytes.
function ibyt() { return _t2_val("l7BytesSnt") }
# @func obyt()
# Output bytes (received).
function obyt() { return _t2_val("l7BytesRcvd") }
# @func flg()
# TCP flags as nfdump writes them: six characters U A P R S F, "." when not set.
function flg(    f, out, i, names) {
    f = _t2_val("tcpFlags")
    if (f == "") return "......"
    names = "UAPRSF"
    out = ""
    for (i = 1; i <= 6; i++)
        out = out (bitsanyset(f, 2 ^ (6 - i)) ? substr(names, i, 1) : ".")
    return out
}
# @func mpls([n])
# The MPLS labels (column mplsLabels, when basicFlow writes it), or the Nth one.
function mpls(n) {
    if (_t2_noarg(n)) return _t2_val("mplsLabels")
    return splitr(_t2_val("mplsLabels"), n)
}
# @func mpls1()
# First MPLS label (mpls2() ... mpls10() likewise).
function mpls1() { return mpls(1) }
function mpls2() { return mpls(2) }
function mpls3() { return mpls(3) }
function mpls4() { return mpls(4) }
function mpls5() { return mpls(5) }
function mpls6() { return mpls(6) }
function mpls7() { return mpls(7) }
function mpls8() { return mpls(8) }
function mpls9() { return mpls(9) }
function mpls10() { return mpls(10) }
# @func bps()
# Bits per second.
function bps() { return td() > 0 ? byt() * 8 / td() : 0 }
# @func pps()
# Packets per second.
function pps() { return td() > 0 ? pkt() / td() : 0 }
# @func bpp()
# Bytes per packet.
function bpp() { return pkt() > 0 ? byt() / pkt() : 0 }

# Internal: nfdump's date format.
function _t2_nfdate(t) {
    return isnum(t) ? strftime("%Y-%m-%d %H:%M:%S", int(t)) sprintf(".%03d", int((t - int(t)) * 1000)) : t
}

# @func oline()
# Prints the row in nfdump's "line" format and returns 0.
function oline() {
    if (hdr()) { print "Date first seen          Duration Proto      Src IP Addr:Port          Dst IP Addr:Port   Packets    Bytes Flows"; return 0 }
    printf "%s %8.3f %-5s %21s -> %21s %8s %8s %5d\n", _t2_nfdate(ts()), td(), pr(), sap(), dap(), pkt(), byt(), 1
    return 0
}
# @func olong()
# Prints the row in nfdump's "long" format (with TCP flags) and returns 0.
function olong() {
    if (hdr()) { print "Date first seen          Duration Proto      Src IP Addr:Port          Dst IP Addr:Port   Flags Tos  Packets    Bytes Flows"; return 0 }
    printf "%s %8.3f %-5s %21s -> %21s %s %3d %8s %8s %5d\n", _t2_nfdate(ts()), td(), pr(), sap(), dap(), flg(), strtonum(_t2_val("ipToS")), pkt(), byt(), 1
    return 0
}
# @func oextended()
# Prints the row in nfdump's "extended" format (with rates) and returns 0.
function oextended() {
    if (hdr()) { print "Date first seen          Duration Proto      Src IP Addr:Port          Dst IP Addr:Port   Flags Tos  Packets    Bytes      pps      bps    Bpp Flows"; return 0 }
    printf "%s %8.3f %-5s %21s -> %21s %s %3d %8s %8s %8d %8d %6d %5d\n", _t2_nfdate(ts()), td(), pr(), sap(), dap(), flg(), strtonum(_t2_val("ipToS")), pkt(), byt(), pps(), bps(), bpp(), 1
    return 0
}
