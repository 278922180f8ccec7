# tawk function library: bit fields.
#
# T2's status columns are hexadecimal (0x0400000000004000); values of any width are handled
# exactly, as strings of hex digits processed 32 bits at a time, whether or not gawk runs in
# bignum mode. Arguments may be hex (0x...) or decimal numbers or strings.

# Internal: VAL as lowercase hex digits without 0x ("" when VAL is not a number).
function _t2_hexdigits(val,    s, q, r, d, i, out, carry, digit) {
    if (typeof(val) == "number" || typeof(val) == "strnum") {
        if (val < 0) return ""
        if (val < 9007199254740992) return sprintf("%x", val)
    }
    s = val ""
    gsub(/^[ \t"]+|[ \t"]+$/, "", s)
    if (s ~ /^0[xX][0-9a-fA-F]+$/) return tolower(substr(s, 3))
    if (s !~ /^[0-9]+$/) return ""
    if (length(s) <= 15) return sprintf("%x", s + 0)
    if (s in _t2_dec2hex_cache) return _t2_dec2hex_cache[s]
    # decimal -> hex by long division, exact for any length
    q = s
    out = ""
    while (q != "" && q != "0") {
        r = ""
        carry = 0
        for (i = 1; i <= length(q); i++) {
            d = carry * 10 + substr(q, i, 1)
            digit = int(d / 16)
            carry = d - digit * 16
            if (r != "" || digit > 0) r = r digit
        }
        out = substr("0123456789abcdef", carry + 1, 1) out
        q = r
    }
    if (out == "") out = "0"
    _t2_dec2hex_cache[s] = out
    return out
}

# Internal: left-pads hex digits H with zeros to N digits.
function _t2_hexpad(h, n) {
    while (length(h) < n) h = "0" h
    return h
}

# Internal: (A AND B) as hex digits (both hex digit strings), or "" if either is invalid.
function _t2_hexand(a, b,    n, i, out) {
    if (a == "" || b == "") return ""
    n = length(a) > length(b) ? length(a) : length(b)
    n = int((n + 7) / 8) * 8
    a = _t2_hexpad(a, n)
    b = _t2_hexpad(b, n)
    out = ""
    for (i = 1; i <= n; i += 8)
        out = out sprintf("%08x", and(strtonum("0x" substr(a, i, 8)), strtonum("0x" substr(b, i, 8))))
    return out
}

# Internal: strips leading zeros of hex digits.
function _t2_hexstrip(h) {
    sub(/^0+/, "", h)
    return h == "" ? "0" : h
}

# @func bitsanyset(val, mask)
# True if at least one bit of MASK is set in VAL (e.g. a flowStat or tcpAnomaly value):
# tawk 'bitsanyset($tcpAnomaly, 0x000c)' file. Exact for 64-bit (and wider) values.
function bitsanyset(val, mask,    r) {
    if (hdr()) return __PRIHDR__
    r = _t2_hexand(_t2_hexdigits(val), _t2_hexdigits(mask))
    return r != "" && r ~ /[1-9a-f]/
}

# @func bitsallset(val, mask)
# True if every bit of MASK is set in VAL: tawk 'bitsallset($tcpFlags, 0x12)' file
function bitsallset(val, mask,    m, r) {
    if (hdr()) return __PRIHDR__
    m = _t2_hexdigits(mask)
    r = _t2_hexand(_t2_hexdigits(val), m)
    return r != "" && _t2_hexstrip(r) == _t2_hexstrip(m)
}

# @func bfeq(a, b)
# True if the bit fields (or numbers) A and B are equal, whatever their notation and width:
# bfeq("0x0010", 16) is true.
function bfeq(a, b,    x, y) {
    if (hdr()) return __PRIHDR__
    x = _t2_hexdigits(a)
    y = _t2_hexdigits(b)
    return x != "" && y != "" && _t2_hexstrip(x) == _t2_hexstrip(y)
}

# @func tcpflags([flags])
# Without argument: the tcpFlags value of the row. With FLAGS: true if any of them is set in
# tcpFlags; FLAGS is a mask (0x12) or letters of F S R P A U E C (e.g. "SA").
function tcpflags(flags,    m, i, c, bits) {
    if (_t2_noarg(flags)) return _t2_val("tcpFlags")
    if (hdr()) return __PRIHDR__
    if (flags ~ /^[FSRPAUECfsrpauec]+$/) {
        m = 0
        bits = "FSRPAUEC"
        for (i = 1; i <= length(flags); i++) {
            c = index(bits, toupper(substr(flags, i, 1)))
            m = or(m, lshift(1, c - 1))
        }
        flags = m
    }
    return bitsanyset(_t2_val("tcpFlags"), flags)
}

# @func bitshift(val, n)
# VAL shifted left by N bits (right if N < 0); hex in, hex out (0x...), else a number.
function bitshift(val, n,    h, r) {
    h = _t2_hexdigits(val)
    if (h == "") return ""
    r = n >= 0 ? lshift(strtonum("0x" h), n) : rshift(strtonum("0x" h), -n)
    if ((val "") ~ /^0[xX]/) return sprintf("0x%0" length(h) "x", r)
    return r
}

# @func nibble_swap(val)
# Swaps the two hex digits of every byte of VAL: nibble_swap("0x1234") is "0x2143".
function nibble_swap(val,    h, i, out) {
    h = _t2_hexdigits(val)
    if (h == "") return ""
    if (length(h) % 2) h = "0" h
    out = ""
    for (i = 1; i <= length(h); i += 2) out = out substr(h, i + 1, 1) substr(h, i, 1)
    if ((val "") ~ /^0[xX]/) return "0x" out
    return strtonum("0x" out)
}

# @func tobits(val[, width])
# VAL in binary, at least WIDTH digits (default: 4 per hex digit of VAL): tobits(0x5) is "0101".
function tobits(val, width,    h, i, out, d) {
    h = _t2_hexdigits(val)
    if (h == "") return ""
    out = ""
    for (i = 1; i <= length(h); i++) {
        d = index("0123456789abcdef", substr(h, i, 1)) - 1
        out = out and(rshift(d, 3), 1) and(rshift(d, 2), 1) and(rshift(d, 1), 1) and(d, 1)
    }
    if (!_t2_noarg(width)) {
        while (length(out) > width && substr(out, 1, 1) == "0") out = substr(out, 2)
        while (length(out) < width) out = "0" out
    }
    return out
}
