# tawk function library: compound ("_") and repeated (";") values.
#
# T2 joins the members of a compound column with "_" (icmpBFTypH_TypL_Code:
# 0x00000000_0x00000100_0x0001) and the repetitions of a repeated column with ";"
# (hdrDesc: eth:ipv4:tcp;eth:ipv4:udp). NUM selects parts: 1 is the first, -1 the last, and
# several may be listed: "1;-1". Selected parts are joined with OSEP (default: OFS).

# @func t2split(val, sep[, num[, osep]])
# The parts NUM of VAL split at SEP (a string, not a regular expression), joined with OSEP.
# Without NUM: all parts joined with OSEP.
function t2split(val, sep, num, osep,    n, a, i, k, sel, out, idx) {
    if (_t2_noarg(osep)) osep = OFS
    n = _t2_splitlit(val, a, sep)
    out = ""
    if (_t2_noarg(num) || num == "") {
        for (i = 1; i <= n; i++) out = out (i > 1 ? osep : "") a[i]
        return out
    }
    k = split(num, sel, /[;,]/)
    for (i = 1; i <= k; i++) {
        idx = sel[i] + 0
        if (idx < 0) idx = n + 1 + idx
        out = out (i > 1 ? osep : "") ((idx >= 1 && idx <= n) ? a[idx] : "")
    }
    return out
}

# Internal: split() at the literal string SEP.
function _t2_splitlit(val, a, sep,    n, p) {
    delete a
    if (val == "") return 0
    if (sep == "") { a[1] = val; return 1 }
    n = 0
    while ((p = index(val, sep)) > 0) {
        a[++n] = substr(val, 1, p - 1)
        val = substr(val, p + length(sep))
    }
    a[++n] = val
    return n
}

# @func splitc(val[, num[, osep]])
# Parts of a compound value (joined by "_"): splitc($icmpBFTypH_TypL_Code, 3)
function splitc(val, num, osep) {
    return t2split(val, "_", num, osep)
}

# @func splitr(val[, num[, osep]])
# Repetitions of a repeated value (joined by ";"): splitr($hdrDesc, -1)
function splitr(val, num, osep) {
    return t2split(val, ";", num, osep)
}

# @func valcontains(val, sep, item)
# True if ITEM is one of the parts of VAL split at SEP (hex and decimal numbers compare by
# value).
function valcontains(val, sep, item,    n, a, i, hi, hp) {
    if (hdr()) return __PRIHDR__
    n = _t2_splitlit(val, a, sep)
    hi = _t2_hexdigits(item)
    for (i = 1; i <= n; i++) {
        if (a[i] == item) return 1
        if (hi != "") {
            hp = _t2_hexdigits(a[i])
            if (hp != "" && _t2_hexstrip(hp) == _t2_hexstrip(hi)) return 1
        }
    }
    return 0
}

# @func cvalcontains(val, item)
# True if ITEM is one of the members of the compound value VAL ("_").
function cvalcontains(val, item) {
    return valcontains(val, "_", item)
}

# @func rvalcontains(val, item)
# True if ITEM is one of the repetitions of the repeated value VAL (";"):
# tawk 'rvalcontains($hdrDesc, "eth:ipv4:gre:eth:ipv4:icmp")' file
function rvalcontains(val, item) {
    return valcontains(val, ";", item)
}
