# tawk function library: IPv4 and IPv6 addresses.
#
# Addresses are handled as strings of hex digits (8 for IPv4, 32 for IPv6), so comparisons
# and network tests are exact without bignum arithmetic; ip2num() returns a number (exact
# for IPv6 only in gawk's bignum mode, which tawk uses when available).

# @func isip(s)
# True if S is a dotted IPv4 address.
function isip(s,    a, n, i) {
    if (s !~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/) return 0
    n = split(s, a, ".")
    for (i = 1; i <= 4; i++) if (a[i] + 0 > 255) return 0
    return 1
}

# @func isip6(s)
# True if S is an IPv6 address (full, compressed, or with an IPv4 tail).
function isip6(s) {
    return _t2_ip6hex(s) != ""
}

# @func isiphex(s)
# True if S is an IPv4 address written as 0x and 8 hex digits.
function isiphex(s) {
    return s ~ /^0[xX][0-9a-fA-F]{1,8}$/
}

# @func isipnum(s)
# True if S is an IPv4 address written as an integer (0 to 4294967295).
function isipnum(s) {
    return s ~ /^[0-9]+$/ && s + 0 <= 4294967295
}

# @func isipstr(s)
# True if S is an IPv4 or IPv6 address in text form.
function isipstr(s) {
    return isip(s) || isip6(s)
}

# Internal: an IPv6 address as 32 hex digits, or "".
function _t2_ip6hex(s,    n, g, i, out, left, right, nl, nr, a, b, v4, orig) {
    if (s !~ /:/ || s !~ /^[0-9a-fA-F:.]+$/) return ""
    if (s in _t2_ip6cache) return _t2_ip6cache[s]
    orig = s
    v4 = ""
    if (s ~ /\.[0-9]+$/) {
        # IPv4 tail (::ffff:1.2.3.4)
        v4 = s
        sub(/^.*:/, "", v4)
        if (!isip(v4)) return ""
        s = substr(s, 1, length(s) - length(v4)) "0:0"
        v4 = _t2_ip4hex(v4)
    }
    if (gsub(/::/, "::", s) > 1) return ""
    if (index(s, "::")) {
        left = substr(s, 1, index(s, "::") - 1)
        right = substr(s, index(s, "::") + 2)
        nl = left == "" ? 0 : split(left, a, ":")
        nr = right == "" ? 0 : split(right, b, ":")
        if (nl + nr > 7) return ""
        out = ""
        for (i = 1; i <= nl; i++) { if (a[i] !~ /^[0-9a-fA-F]{1,4}$/) return ""; out = out _t2_hexpad(a[i], 4) }
        for (i = nl + nr; i < 8; i++) out = out "0000"
        for (i = 1; i <= nr; i++) { if (b[i] !~ /^[0-9a-fA-F]{1,4}$/) return ""; out = out _t2_hexpad(b[i], 4) }
    } else {
        n = split(s, g, ":")
        if (n != 8) return ""
        out = ""
        for (i = 1; i <= 8; i++) { if (g[i] !~ /^[0-9a-fA-F]{1,4}$/) return ""; out = out _t2_hexpad(g[i], 4) }
    }
    out = tolower(out)
    if (v4 != "") out = substr(out, 1, 24) v4
    _t2_ip6cache[orig] = out
    return out
}

# Internal: a dotted IPv4 address as 8 hex digits, or "".
function _t2_ip4hex(s,    a) {
    if (!isip(s)) return ""
    split(s, a, ".")
    return sprintf("%02x%02x%02x%02x", a[1], a[2], a[3], a[4])
}

# Internal: an address (IPv4 dotted, hex, number, or IPv6) as hex digits (8 or 32), or "".
function _t2_iphex(s) {
    s = s ""
    gsub(/^[ \t"]+|[ \t"]+$/, "", s)
    if (isip(s)) return _t2_ip4hex(s)
    if (s ~ /:/) return _t2_ip6hex(s)
    if (isiphex(s)) return _t2_hexpad(tolower(substr(s, 3)), 8)
    if (isipnum(s)) return sprintf("%08x", s + 0)
    return ""
}

# @func ip2hex(ip)
# The address IP as 0x and hex digits (8 for IPv4, 32 for IPv6).
function ip2hex(addr,    h) {
    h = _t2_iphex(addr)
    return h == "" ? "" : "0x" h
}

# @func ip2num(ip)
# The address IP as an integer (IPv6: exact in bignum mode only).
function ip2num(addr,    h) {
    h = _t2_iphex(addr)
    return h == "" ? "" : strtonum("0x" h)
}

# @func ip2str(n)
# An IPv4 address given as an integer or as hex, in dotted form.
function ip2str(n,    h) {
    h = _t2_hexdigits(n)
    if (h == "" || length(h) > 8) return ""
    h = _t2_hexpad(h, 8)
    return strtonum("0x" substr(h, 1, 2)) "." strtonum("0x" substr(h, 3, 2)) "." \
        strtonum("0x" substr(h, 5, 2)) "." strtonum("0x" substr(h, 7, 2))
}

# @func ip62str(h)
# An IPv6 address given as 32 hex digits (with or without 0x), in compressed form.
function ip62str(h,    i, s) {
    h = _t2_hexdigits(h)
    if (h == "" || length(h) > 32) return ""
    h = _t2_hexpad(h, 32)
    s = ""
    for (i = 1; i <= 32; i += 4) s = s (i > 1 ? ":" : "") substr(h, i, 4)
    return ip6compress(s)
}

# @func ip6expand(ip)
# The IPv6 address IP with all eight groups of four digits: 2001:0db8:0000:...
function ip6expand(addr,    h, i, s) {
    h = _t2_ip6hex(addr)
    if (h == "") return ""
    s = ""
    for (i = 1; i <= 32; i += 4) s = s (i > 1 ? ":" : "") substr(h, i, 4)
    return s
}

# @func ip6compress(ip)
# The IPv6 address IP in its shortest form (RFC 5952): 2001:db8::1
function ip6compress(addr,    h, g, i, best, bl, cs, cl, s) {
    h = _t2_ip6hex(addr)
    if (h == "") return ""
    for (i = 1; i <= 8; i++) g[i] = _t2_hexstrip(substr(h, 4 * i - 3, 4))
    best = 0; bl = 0; cs = 0; cl = 0
    for (i = 1; i <= 8; i++) {
        if (g[i] == "0") {
            if (cl == 0) cs = i
            cl++
            if (cl > bl) { bl = cl; best = cs }
        } else cl = 0
    }
    if (bl < 2) best = 0
    s = ""
    for (i = 1; i <= 8; i++) {
        if (best && i >= best && i < best + bl) {
            if (i == best) s = s "::"
            continue
        }
        if (s != "" && s !~ /::$/) s = s ":"
        s = s g[i]
    }
    return s
}

# Internal: hex digits -> binary digits.
function _t2_hex2bin(h,    i, out) {
    out = ""
    for (i = 1; i <= length(h); i++) out = out tobits("0x" substr(h, i, 1), 4)
    return out
}

# @func ip2mask(mask)
# The prefix length of the network mask MASK: ip2mask("255.255.255.0") is 24.
function ip2mask(mask,    b) {
    b = _t2_hex2bin(_t2_iphex(mask))
    if (b == "") return ""
    return match(b, /0/) ? RSTART - 1 : length(b)
}

# @func mask2ip(n)
# The IPv4 network mask of prefix length N as an integer: mask2ip(24) is 4294967040.
function mask2ip(n) {
    n = int(n)
    if (n <= 0) return 0
    if (n >= 32) return 4294967295
    return 4294967296 - 2 ^ (32 - n)
}

# @func mask2ipstr(n)
# The IPv4 network mask of prefix length N in dotted form: mask2ipstr(24) is 255.255.255.0
function mask2ipstr(n) {
    return ip2str(mask2ip(n))
}

# @func mask2ip6(n)
# The IPv6 network mask of prefix length N as 0x and 32 hex digits.
function mask2ip6(n,    i, h, d) {
    h = ""
    for (i = 0; i < 32; i++) {
        d = n - 4 * i
        d = d >= 4 ? 15 : (d <= 0 ? 0 : 16 - 2 ^ (4 - d))
        h = h sprintf("%x", d)
    }
    return "0x" h
}

# @func mask2ip6str(n)
# The IPv6 network mask of prefix length N in compressed form: mask2ip6str(64) is ffff:ffff:ffff:ffff::
function mask2ip6str(n) {
    return ip62str(mask2ip6(n))
}

# @func ipinnet(ip, net[, mask])
# True if the address IP is in the network NET ("10.0.0.0/8", "10.0.0.0/255.0.0.0",
# "2001:db8::/32", or NET and a prefix length or mask MASK). Without a prefix: IP == NET.
function ipinnet(addr, nw, mask,    a, b, len, p) {
    if (hdr()) return __PRIHDR__
    if (!_t2_noarg(mask)) nw = nw "/" mask
    p = index(nw, "/")
    if (p) {
        mask = substr(nw, p + 1)
        nw = substr(nw, 1, p - 1)
    } else mask = ""
    a = _t2_iphex(addr)
    b = _t2_iphex(nw)
    if (a == "" || length(a) != length(b)) return 0
    if (mask == "") return a == b
    len = (mask ~ /^[0-9]+$/) ? mask + 0 : ip2mask(mask)
    if (len == "") return 0
    if (len % 4 == 0) return substr(a, 1, len / 4) == substr(b, 1, len / 4)
    return substr(_t2_hex2bin(a), 1, len) == substr(_t2_hex2bin(b), 1, len)
}

# @func ipinrange(ip, low, high)
# True if LOW <= IP <= HIGH (addresses of the same version).
function ipinrange(addr, low, high,    a, l, h) {
    if (hdr()) return __PRIHDR__
    a = _t2_iphex(addr); l = _t2_iphex(low); h = _t2_iphex(high)
    if (a == "" || length(a) != length(l) || length(a) != length(h)) return 0
    return a >= l && a <= h
}

# @func loopback(ip)
# True if IP is a loopback address (127.0.0.0/8, ::1).
function loopback(addr) {
    if (hdr()) return __PRIHDR__
    return ipinnet(addr, "127.0.0.0/8") || ipinnet(addr, "::1")
}

# @func mcast(ip)
# True if IP is a multicast address (224.0.0.0/4, ff00::/8).
function mcast(addr) {
    if (hdr()) return __PRIHDR__
    return ipinnet(addr, "224.0.0.0/4") || ipinnet(addr, "ff00::/8")
}

# @func privip(ip)
# True if IP is a private address (10/8, 172.16/12, 192.168/16, fc00::/7).
function privip(addr) {
    if (hdr()) return __PRIHDR__
    return ipinnet(addr, "10.0.0.0/8") || ipinnet(addr, "172.16.0.0/12") || \
        ipinnet(addr, "192.168.0.0/16") || ipinnet(addr, "fc00::/7")
}
