# tawk function library: time stamps (T2 writes them as seconds.fraction since the epoch).

# Internal: the fraction of a time stamp with its dot (".123456"), or "".
function _t2_frac(t,    s) {
    if (typeof(t) == "number") {
        if (t == int(t)) return ""
        s = sprintf("%.6f", t)
    } else s = t ""
    return index(s, ".") ? substr(s, index(s, ".")) : ""
}

# @func localtime(ts[, fmt])
# The time stamp TS in local time: "2002-05-23 18:35:01.691172" (strftime FMT for the
# seconds, default "%Y-%m-%d %H:%M:%S"; the fraction of TS is kept).
function localtime(t, fmt) {
    if (_t2_noarg(fmt)) fmt = "%Y-%m-%d %H:%M:%S"
    if (!isnum(t)) return t
    return strftime(fmt, int(t)) _t2_frac(t)
}

# @func utc(ts[, fmt])
# The time stamp TS in UTC (see localtime).
function utc(t, fmt) {
    if (_t2_noarg(fmt)) fmt = "%Y-%m-%d %H:%M:%S"
    if (!isnum(t)) return t
    return strftime(fmt, int(t), 1) _t2_frac(t)
}

# @func timestamp(date[, utc])
# The date "YYYY-MM-DD HH:MM:SS[.frac]" (or with a T) as a T2 time stamp (seconds since the
# epoch, fraction kept); local time unless UTC is 1.
function timestamp(date, inutc,    d, f, parts, t) {
    f = ""
    d = date
    if (match(d, /\.[0-9]+$/)) { f = substr(d, RSTART); d = substr(d, 1, RSTART - 1) }
    gsub(/[-T:]/, " ", d)
    if (split(d, parts, " ") < 6) return ""
    t = mktime(d, (_t2_noarg(inutc) ? 0 : inutc + 0))
    return t < 0 ? "" : t f
}

# @func hrtime(sec)
# A duration in seconds in human-readable form: 50276.6 -> "13h 57m 56s"
# (days, hours, minutes, seconds; leading zero units left out).
function hrtime(sec,    d, h, m, s, out) {
    sec = int(sec)
    d = int(sec / 86400); sec -= d * 86400
    h = int(sec / 3600); sec -= h * 3600
    m = int(sec / 60); s = sec - m * 60
    out = ""
    if (d) out = d "d "
    if (d || h) out = out h "h "
    if (d || h || m) out = out m "m "
    return out s "s"
}
