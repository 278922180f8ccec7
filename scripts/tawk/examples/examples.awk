# tawk -e: example functions built on the library, to copy and adapt.

# @func lonelyflows()
# True for flows without an opposite direction (A flows of one packet stream only: pktsRcvd
# is 0), e.g. unanswered connection attempts: tawk -e 'lonelyflows() && tcp()' file
function lonelyflows() {
    if (hdr()) return __PRIHDR__
    return _t2_has("pktsRcvd") && _t2_val("pktsRcvd") == 0
}

# @func synonly()
# True for TCP flows whose only flag was SYN (tcpFlags 0x0002): scans, unanswered attempts.
function synonly() {
    if (hdr()) return __PRIHDR__
    return tcp() && bfeq(_t2_val("tcpFlags"), 2)
}

# @func bigflows(n)
# True for flows that sent at least N packets.
function bigflows(n) {
    if (hdr()) return __PRIHDR__
    return _t2_val("pktsSnt") + 0 >= n
}

# @func talkers([n])
# Prints at the end the N source addresses that sent the most bytes (all without N).
function talkers(n) {
    return _t2_noarg(n) ? aggr("srcIP", "l7BytesSnt") : aggr("srcIP", "l7BytesSnt", n)
}
