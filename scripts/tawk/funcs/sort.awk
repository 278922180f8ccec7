# tawk function library: sorting rows by a column.
#
# t2sort() keeps the header row where it is and hands every other row to sort(1); the sorted
# rows are printed when the input ends. Use it as the whole program (it returns the header
# row only): tawk 't2sort(pktsSnt, 4)' file

# Internal: the sort(1) command of one sort call.
function _t2_sortcmd(c, num, type, rev,    n, key, cmd) {
    n = _t2_colnum(c)
    if (!n) {
        printf "tawk: t2sort: unknown column '%s'\n", c > "/dev/stderr"
        exit 1
    }
    if (_t2_noarg(type) || type == "") type = "g"
    if (type ~ /^(s|str|string)$/) type = ""
    else if (type !~ /^[ghnVM]$/) {
        printf "tawk: t2sort: unknown sort type '%s' (g, n, h, V, M or s)\n", type > "/dev/stderr"
        exit 1
    }
    key = n "," n type (rev ? "r" : "")
    cmd = "LC_ALL=C sort -t '" (OFS == "\t" ? "\t" : OFS) "' -s -k " key
    if (!_t2_noarg(num) && num != "" && num + 0 > 0) cmd = cmd " | head -n " int(num)
    return cmd
}

# @func t2sort(col[, num[, type[, rev]]])
# Sorts the rows by column COL, largest first, keeping the header on top; only the first NUM
# rows (all without NUM). TYPE is sort(1)'s key type: g (numbers, default), n, h, V (versions,
# e.g. IP addresses), M, or s (text). REV = 1 reverses the order: tawk 't2sort(pktsSnt, 4)' file
function t2sort(col, num, type, rev) {
    return _t2_sortq(col, num, type, _t2_noarg(rev) ? 1 : !rev)
}

# @func t2rsort(col[, num[, type[, rev]]])
# As t2sort, smallest first.
function t2rsort(col, num, type, rev) {
    return _t2_sortq(col, num, type, _t2_noarg(rev) ? 0 : !!rev)
}

# Internal: t2sort with the sort(1) direction DESC (1: largest first).
function _t2_sortq(col, num, type, desc,    k) {
    k = col SUBSEP num SUBSEP type SUBSEP desc
    if (!(k in _t2_sortcmds)) {
        _t2_sortcmds[k] = _t2_sortcmd(col, num, type, desc)
        _t2_sortorder[++_t2_nsorts] = k
    }
    if (hdr()) return __PRIHDR__
    print | _t2_sortcmds[k]
    return 0
}

END {
    fflush()
    for (_t2_i = 1; _t2_i <= _t2_nsorts; _t2_i++) close(_t2_sortcmds[_t2_sortorder[_t2_i]])
}
