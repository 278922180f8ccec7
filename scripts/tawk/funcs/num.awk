# tawk function library: numbers and human-readable forms.

# @func abs(x)
# The absolute value of X.
function abs(x) {
    return x < 0 ? -x : x + 0
}

# @func log2(x)
# The base-2 logarithm of X.
function log2(x) {
    return log(x) / log(2)
}

# @func min2(a, b)
# The smaller of A and B.
function min2(a, b) { return a + 0 < b + 0 ? a + 0 : b + 0 }
# @func min3(a, b, c)
# The smallest of A, B and C.
function min3(a, b, c) { return min2(min2(a, b), c) }
# @func max2(a, b)
# The larger of A and B.
function max2(a, b) { return a + 0 > b + 0 ? a + 0 : b + 0 }
# @func max3(a, b, c)
# The largest of A, B and C.
function max3(a, b, c) { return max2(max2(a, b), c) }

# @func isnum(s)
# True if S is a number (integer, decimal, exponent or hex 0x...).
function isnum(s) {
    return s ~ /^[ \t]*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?[ \t]*$/ || s ~ /^0[xX][0-9a-fA-F]+$/
}

# @func isint(s)
# True if S is an integer (a sign allowed).
function isint(s) {
    return s ~ /^[-+]?[0-9]+$/
}

# @func isuint(s)
# True if S is an integer without sign.
function isuint(s) {
    return s ~ /^[0-9]+$/
}

# @func isfloat(s)
# True if S is a number with a decimal point or an exponent.
function isfloat(s) {
    return isnum(s) && s ~ /[.eE]/ && s !~ /^0[xX]/
}

# @func hrnum(n[, decimals])
# N in human-readable form, as T2's end report writes it: 1219015 -> "1.22 M" (powers of
# 1000: K M G T P E); below 1000 N itself.
function hrnum(n, decimals,    u, i, v) {
    if (_t2_noarg(decimals)) decimals = 2
    v = n + 0
    if (abs(v) < 1000) return n
    u = "KMGTPEZY"
    i = 0
    while (abs(v) >= 1000 && i < length(u)) { v /= 1000; i++ }
    return sprintf("%." decimals "f %s", v, substr(u, i, 1))
}
