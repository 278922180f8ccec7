# tawk function library: strings, encodings, JSON and LaTeX.
#
# The string tests compare text literally (no regular expressions) and ignore the double
# quotes T2 puts around S-typed values ("Private network"); the ...i variants ignore case.
# Like the selection functions they are true on the header row.

# Internal: S without one pair of surrounding double quotes.
function _t2_unq(s) {
    s = s ""
    if (length(s) >= 2 && substr(s, 1, 1) == "\"" && substr(s, length(s)) == "\"")
        s = substr(s, 2, length(s) - 2)
    return s
}

# @func streq(a, b)
# True if A and B are the same text: tawk 'streq($srcIPOrg, "Private network")' file
function streq(a, b) {
    if (hdr()) return __PRIHDR__
    return _t2_unq(a) == _t2_unq(b)
}

# @func strneq(a, b)
# True if A and B differ.
function strneq(a, b) {
    if (hdr()) return __PRIHDR__
    return _t2_unq(a) != _t2_unq(b)
}

# @func hasprefix(s, prefix)
# True if S starts with PREFIX.
function hasprefix(s, prefix) {
    if (hdr()) return __PRIHDR__
    s = _t2_unq(s)
    return substr(s, 1, length(prefix)) == prefix
}

# @func hassuffix(s, suffix)
# True if S ends with SUFFIX.
function hassuffix(s, suffix) {
    if (hdr()) return __PRIHDR__
    s = _t2_unq(s)
    return length(s) >= length(suffix) && substr(s, length(s) - length(suffix) + 1) == suffix
}

# @func contains(s, part)
# True if PART occurs in S.
function contains(s, part) {
    if (hdr()) return __PRIHDR__
    return index(_t2_unq(s), part) > 0
}

# @func strisempty(s)
# True if S is empty (also "" in quotes).
function strisempty(s) {
    if (hdr()) return __PRIHDR__
    return _t2_unq(s) == ""
}

# @func streqi(a, b)
# streq ignoring case.
function streqi(a, b) { return streq(tolower(a), tolower(b)) }
# @func strneqi(a, b)
# strneq ignoring case.
function strneqi(a, b) { return strneq(tolower(a), tolower(b)) }
# @func hasprefixi(s, prefix)
# hasprefix ignoring case.
function hasprefixi(s, prefix) { return hasprefix(tolower(s), tolower(prefix)) }
# @func hassuffixi(s, suffix)
# hassuffix ignoring case.
function hassuffixi(s, suffix) { return hassuffix(tolower(s), tolower(suffix)) }
# @func containsi(s, part)
# contains ignoring case.
function containsi(s, part) { return contains(tolower(s), tolower(part)) }

# Internal: the byte table of base64 and urldecode (tawk runs gawk with LC_ALL=C).
function _t2_bytes_init(    i) {
    if (_t2_bytes_done) return
    _t2_bytes_done = 1
    for (i = 0; i < 256; i++) _t2_ord[sprintf("%c", i)] = i
    _t2_b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
}

# @func base64(s)
# S encoded in base64.
function base64(s,    i, n, b1, b2, b3, out, v) {
    _t2_bytes_init()
    out = ""
    n = length(s)
    for (i = 1; i <= n; i += 3) {
        b1 = _t2_ord[substr(s, i, 1)]
        b2 = i + 1 <= n ? _t2_ord[substr(s, i + 1, 1)] : 0
        b3 = i + 2 <= n ? _t2_ord[substr(s, i + 2, 1)] : 0
        v = b1 * 65536 + b2 * 256 + b3
        out = out substr(_t2_b64, int(v / 262144) + 1, 1) substr(_t2_b64, int(v / 4096) % 64 + 1, 1)
        out = out (i + 1 <= n ? substr(_t2_b64, int(v / 64) % 64 + 1, 1) : "=")
        out = out (i + 2 <= n ? substr(_t2_b64, v % 64 + 1, 1) : "=")
    }
    return out
}

# @func base64d(s)
# The base64 text S decoded.
function base64d(s,    i, n, c, v, bits, out) {
    _t2_bytes_init()
    gsub(/[^A-Za-z0-9+\/]/, "", s)
    out = ""
    v = 0
    bits = 0
    n = length(s)
    for (i = 1; i <= n; i++) {
        c = index(_t2_b64, substr(s, i, 1)) - 1
        v = v * 64 + c
        bits += 6
        if (bits >= 8) {
            bits -= 8
            out = out sprintf("%c", int(v / 2 ^ bits) % 256)
            v = v % (2 ^ bits)
        }
    }
    return out
}

# @func urldecode(s)
# S with %XX sequences decoded and "+" as space.
function urldecode(s,    out, i, c) {
    out = ""
    gsub(/\+/, " ", s)
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "%" && substr(s, i + 1, 2) ~ /^[0-9a-fA-F][0-9a-fA-F]$/) {
            out = out sprintf("%c", strtonum("0x" substr(s, i + 1, 2)))
            i += 2
        } else out = out c
    }
    return out
}

# Internal: S as the content of a JSON string.
function _t2_jsonesc(s,    out, i, c, n) {
    _t2_bytes_init()
    out = ""
    n = length(s)
    for (i = 1; i <= n; i++) {
        c = substr(s, i, 1)
        if (c == "\"" || c == "\\") out = out "\\" c
        else if (c == "\n") out = out "\\n"
        else if (c == "\t") out = out "\\t"
        else if (c == "\r") out = out "\\r"
        else if (_t2_ord[c] < 32) out = out sprintf("\\u%04x", _t2_ord[c])
        else out = out c
    }
    return out
}

# @func json([s])
# With S: S as a JSON string literal. Without: prints the row as a JSON object with the
# column names as keys (not the header row) and returns 0: tawk 'json()' file
function json(s,    i, v, out) {
    if (!_t2_noarg(s)) return "\"" _t2_jsonesc(s) "\""
    if (hdr()) return 0
    out = "{"
    for (i = 1; i <= NF; i++) {
        v = $i
        if (v ~ /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) { }
        else if (v ~ /^".*"$/) { }
        else v = "\"" _t2_jsonesc(v) "\""
        out = out (i > 1 ? "," : "") "\"" _t2_jsonesc((i in COL) ? COL[i] : "col" i) "\":" v
    }
    print out "}"
    return 0
}

# @func texscape(s)
# S with the characters LaTeX treats specially escaped.
function texscape(s) {
    gsub(/\\/, "\\textbackslash{}", s)
    gsub(/[{}$&#_%]/, "\\\\&", s)
    gsub(/\^/, "\\textasciicircum{}", s)
    gsub(/~/, "\\textasciitilde{}", s)
    return s
}

# @func wildcard(regex)
# Prints the columns whose name matches REGEX (header row included) and returns 0:
# tawk 'wildcard("^tcpRTT")' file
function wildcard(regex,    i, out, first) {
    out = ""
    first = 1
    for (i = 1; i <= NF; i++) {
        if ((i in COL) && COL[i] ~ regex) {
            out = out (first ? "" : OFS) $i
            first = 0
        }
    }
    if (!first) print out
    return 0
}
