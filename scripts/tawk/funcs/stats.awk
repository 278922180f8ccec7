# tawk function library: statistics over a whole file, printed at the end.
#
# These functions collect values from every row (not the header) and return 0, so they
# print nothing per row; the results are printed when the input ends, one line per call
# site in the order of first use. A column is given by its variable (pktsSnt), its number
# or its name in quotes.

# Internal: registers a result to print at the end; returns its key.
function _t2_job(kind, c, extra,    key) {
    key = kind SUBSEP c SUBSEP extra
    if (!(key in _t2_jobs)) {
        _t2_jobs[key] = ++_t2_njobs
        _t2_joborder[_t2_njobs] = key
        _t2_jobkind[key] = kind
        _t2_jobcol[key] = c
        _t2_jobextra[key] = extra
    }
    return key
}

# @func mean(c)
# Prints the mean of column C at the end: tawk 'mean(pktsSnt)' file
function mean(c,    k, n, v) {
    k = _t2_job("mean", c)
    if (hdr()) return 0
    n = _t2_colnum(c)
    v = $n
    if (n && isnum(v)) { _t2_sum[k] += (v ~ /^0[xX]/ ? strtonum(v) : v); _t2_cnt[k]++ }
    return 0
}

# @func min(c)
# Prints the smallest value of column C at the end.
function min(c,    k, n, v) {
    k = _t2_job("min", c)
    if (hdr()) return 0
    n = _t2_colnum(c)
    v = $n
    if (n && isnum(v)) {
        v = (v ~ /^0[xX]/ ? strtonum(v) : v + 0)
        if (!(k in _t2_cnt) || v < _t2_ext[k]) _t2_ext[k] = v
        _t2_cnt[k]++
    }
    return 0
}

# @func max(c)
# Prints the largest value of column C at the end.
function max(c,    k, n, v) {
    k = _t2_job("max", c)
    if (hdr()) return 0
    n = _t2_colnum(c)
    v = $n
    if (n && isnum(v)) {
        v = (v ~ /^0[xX]/ ? strtonum(v) : v + 0)
        if (!(k in _t2_cnt) || v > _t2_ext[k]) _t2_ext[k] = v
        _t2_cnt[k]++
    }
    return 0
}

# @func ientropy([c])
# Prints at the end the entropy (bits) of the distribution of the values of column C, or of
# all cells of the rows without C.
function ientropy(c,    k, n, i) {
    k = _t2_job("ientropy", _t2_noarg(c) ? "" : c)
    if (hdr()) return 0
    if (_t2_noarg(c)) {
        for (i = 1; i <= NF; i++) { _t2_hist[k, $i]++; _t2_cnt[k]++ }
    } else {
        n = _t2_colnum(c)
        if (n) { _t2_hist[k, $n]++; _t2_cnt[k]++ }
    }
    return 0
}

# Internal: the values of columns FIELDS (numbers or names, ";" or "," between them).
function _t2_keycols(fields, cols,    n, f, i) {
    delete cols
    n = split(fields, f, /[;,]/)
    for (i = 1; i <= n; i++) cols[i] = _t2_colnum(f[i])
    return n
}

# @func aggr(fields[, val[, num]])
# Prints at the end, for every value of the columns FIELDS ("srcIP", srcIP, "srcIP;dstPort"),
# the sum of column VAL (default: the number of rows), largest first, the first NUM only:
# tawk 'aggr("srcIP", l7BytesSnt, 10)' file
function aggr(fields, val, num,    k, cols, n, i, key, v, vc) {
    k = _t2_job("aggr", fields, (_t2_noarg(val) ? "" : val) SUBSEP (_t2_noarg(num) ? "" : num))
    if (hdr()) return 0
    n = _t2_keycols(fields, cols)
    key = ""
    for (i = 1; i <= n; i++) key = key (i > 1 ? OFS : "") (cols[i] ? $(cols[i]) : "")
    v = 1
    if (!_t2_noarg(val) && val != "") {
        vc = _t2_colnum(val)
        v = vc ? $vc : 0
        v = (v ~ /^0[xX]/) ? strtonum(v) : v + 0
    }
    _t2_agg[k, key] += v
    _t2_aggkeys[k][key] = 1
    return 0
}

# @func aggrrep(fields[, val[, num]])
# As aggr, for repeated columns: every repetition (";") of FIELDS counts on its own (with the
# repetition of the same position of VAL when VAL is repeated too).
function aggrrep(fields, val, num,    k, cols, n, i, j, r, reps, parts, nr, key, v, vc, vals, nv) {
    k = _t2_job("aggr", fields, (_t2_noarg(val) ? "" : val) SUBSEP (_t2_noarg(num) ? "" : num))
    if (hdr()) return 0
    n = _t2_keycols(fields, cols)
    nr = 1
    for (i = 1; i <= n; i++) {
        reps[i] = _t2_splitlit(cols[i] ? $(cols[i]) : "", parts, ";")
        for (j = 1; j <= reps[i]; j++) _t2_rep[i, j] = parts[j]
        if (reps[i] > nr) nr = reps[i]
    }
    nv = 0
    if (!_t2_noarg(val) && val != "") {
        vc = _t2_colnum(val)
        nv = _t2_splitlit(vc ? $vc : "", vals, ";")
    }
    for (r = 1; r <= nr; r++) {
        key = ""
        for (i = 1; i <= n; i++) key = key (i > 1 ? OFS : "") (r <= reps[i] ? _t2_rep[i, r] : _t2_rep[i, reps[i]])
        if (nv == 0 && !_t2_noarg(val) && val != "") v = 0
        else if (nv == 0) v = 1
        else v = (r <= nv) ? vals[r] : vals[nv]
        v = (v ~ /^0[xX]/) ? strtonum(v) : v + 0
        _t2_agg[k, key] += v
        _t2_aggkeys[k][key] = 1
    }
    return 0
}

# Internal: the name of column C for headings.
function _t2_colname(c,    n) {
    n = _t2_colnum(c)
    return (n && (n in COL)) ? COL[n] : c
}

# Internal: prints the collected statistics.
function _t2_stats_end(    j, k, kind, c, num, key, n, i, sorted, keys, t, head, f, nf) {
    for (j = 1; j <= _t2_njobs; j++) {
        k = _t2_joborder[j]
        kind = _t2_jobkind[k]
        c = _t2_jobcol[k]
        if (kind == "mean") print (_t2_cnt[k] ? _t2_sum[k] / _t2_cnt[k] : "")
        else if (kind == "min" || kind == "max") print (_t2_cnt[k] ? _t2_ext[k] : "")
        else if (kind == "ientropy") print _t2_entropy(k)
        else if (kind == "aggr") {
            split(_t2_jobextra[k], t, SUBSEP)
            num = t[2]
            nf = split(c, f, /[;,]/)
            head = ""
            for (i = 1; i <= nf; i++) head = head (i > 1 ? OFS : "") _t2_colname(f[i])
            print "%" head OFS (t[1] != "" ? _t2_colname(t[1]) : "count")
            n = 0
            delete keys
            if (isarray(_t2_aggkeys) && (k in _t2_aggkeys))
                for (key in _t2_aggkeys[k]) { keys[++n] = key; _t2_aggsort[key] = _t2_agg[k, key] }
            asort(keys, sorted, "_t2_aggcmp")
            for (i = 1; i <= n && (num == "" || i <= num + 0); i++)
                print sorted[i] OFS _t2_agg[k, sorted[i]]
            delete _t2_aggsort
        }
    }
}

# Internal: entropy of the histogram of job K.
function _t2_entropy(k,    key, t, p, e, total) {
    total = _t2_cnt[k]
    if (!total) return 0
    e = 0
    for (key in _t2_hist) {
        if (index(key, k SUBSEP) != 1) continue
        p = _t2_hist[key] / total
        e -= p * log(p) / log(2)
    }
    return e
}

# Internal: larger sums first, then keys in order.
function _t2_aggcmp(i1, v1, i2, v2) {
    if (_t2_aggsort[v1] != _t2_aggsort[v2]) return _t2_aggsort[v1] > _t2_aggsort[v2] ? -1 : 1
    return v1 < v2 ? -1 : (v1 > v2)
}

END { _t2_stats_end() }
