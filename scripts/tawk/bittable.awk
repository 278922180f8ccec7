# tawk -V / -L: prints bit tables of status columns.
#
# Input: the tables as `t2 --bit-tables` prints them (tab-separated: column, source, type,
# mask, name, description; a "%" header line). Variables:
#   REQ   the requests, one per line: NAME or NAME=VALUE (VALUE hex or decimal; compound
#         values "0x80_0x00100000" are decoded member by member)
#   QUIET 1: requests for columns without a table are skipped silently (tawk -L)
#   ALIASES old and current column names, "old=new;..." 
# Exit status 1 when a table is missing (unless QUIET).

BEGIN {
    FS = "\t"
    # old column names of the tutorials' era = current names (funcs/aliases.txt)
    nal = split(ALIASES, al, ";")
    for (ai = 1; ai <= nal; ai++) { split(al[ai], ap, "="); alias[ap[1]] = ap[2] }
}

/^[%#]/ || NF < 6 { next }

{
    c = $1
    if (!(c in rows)) order[++ncols] = c
    r = ++rows[c]
    type[c] = $3
    mask[c, r] = tolower($4)
    desc[c, r] = ($6 != "" ? $6 : $5)
    digits[c] = length($4) - 2
}

END {
    status = 0
    nreq = split(REQ, req, "\n")
    printed = 0
    for (q = 1; q <= nreq; q++) {
        if (req[q] == "") continue
        name = req[q]
        value = ""
        if (index(name, "=")) {
            value = substr(name, index(name, "=") + 1)
            name = substr(name, 1, index(name, "=") - 1)
        }
        col = name
        if (!(col in rows) && (col in alias) && (alias[col] in rows)) col = alias[col]
        if (!(col in rows)) {
            if (!QUIET) {
                printf "tawk: no bit table for column '%s' (tables: %s)\n", name, tablelist() > "/dev/stderr"
                status = 1
            }
            continue
        }
        if (printed++) print ""
        if (value == "") { table(col, name, "", ""); continue }
        np = split(value, parts, "_")
        if (np == 1) { table(col, name, value, value); continue }
        for (k = 1; k <= np; k++) {
            if (k > 1) print ""
            table(col, name " (member " k " of " value ")", parts[k], parts[k])
        }
    }
    exit status
}

function tablelist(    i, s) {
    s = ""
    for (i = 1; i <= ncols; i++) s = s (i > 1 ? ", " : "") order[i]
    return s == "" ? "none" : s
}

# Prints the table of column C (titled NAME); only the rows of VALUE when SHOWN is not "".
function table(c, name, shown, value,    v, w, r, m, rep, isbits, covered, un, i, h, line, d, b, k) {
    isbits = type[c] ~ /^\(?H/
    rep = hexrep(c, mask[c, 1])
    w = length(name) > length(rep) ? length(name) : length(rep)
    if (shown == "") printf "The %s column is to be interpreted as follows:\n\n", name
    else printf "The %s column with value %s is to be interpreted as follows:\n\n", name, shown
    printf "   bit | %-" w "s | Description\n", name
    line = "   "
    for (i = 0; i < 77; i++) line = line "="
    print line
    if (shown != "") {
        v = hexdigits(value)
        if (v == "") {
            printf "tawk: '%s' is not a number\n", value > "/dev/stderr"
            status = 1
            return
        }
    }
    covered = ""
    for (r = 1; r <= rows[c]; r++) {
        m = substr(mask[c, r], 3)
        covered = hexor(covered, m)
        if (shown != "") {
            if (isbits) {
                if (strip(m) == "0") { if (strip(v) != "0") continue }
                else if (strip(hexand(v, m)) != strip(m)) continue
            } else if (strip(v) != strip(m)) continue
        }
        printf "%6s | %-" w "s | %s\n", bitno(m), hexrep(c, mask[c, r]), desc[c, r]
    }
    if (shown != "" && isbits) {
        # set bits the table does not describe
        un = hexandnot(v, covered)
        h = length(un)
        for (i = h; i >= 1; i--) {
            d = index("0123456789abcdef", substr(un, i, 1)) - 1
            for (b = 0; b < 4; b++) {
                if (and(d, 2 ^ b)) {
                    m = sprintf("%x", 2 ^ b)
                    for (k = 0; k < h - i; k++) m = m "0"
                    printf "%6s | %-" w "s | %s\n", bitno(m), hexrep(c, "0x" m), "(not in the table)"
                }
            }
        }
    }
}

# The mask M (hex digits) as T2 prints it: 0x and the column's width, a space between the
# two halves of 64-bit values.
function hexrep(c, m,    n) {
    m = tolower(m)
    sub(/^0x/, "", m)
    n = digits[c]
    while (length(m) < n) m = "0" m
    if (n == 16) return "0x" substr(m, 1, 8) " " substr(m, 9)
    return "0x" m
}

# The bit number of a one-bit mask (hex digits), else "".
function bitno(m,    s, i, d, pos) {
    s = strip(m)
    if (s == "0") return ""
    d = index("0123456789abcdef", substr(s, 1, 1)) - 1
    if (d != 1 && d != 2 && d != 4 && d != 8) return ""
    if (substr(s, 2) ~ /[^0]/) return ""
    pos = (length(s) - 1) * 4
    return pos + (d == 1 ? 0 : d == 2 ? 1 : d == 4 ? 2 : 3)
}

function strip(h) {
    sub(/^0+/, "", h)
    return h == "" ? "0" : h
}

function hexdigits(v,    s, q, r, out, carry, i, d, digit) {
    s = v
    gsub(/^[ \t]+|[ \t]+$/, "", s)
    if (s ~ /^0[xX][0-9a-fA-F]+$/) return tolower(substr(s, 3))
    if (s !~ /^[0-9]+$/) return ""
    if (length(s) <= 15) return sprintf("%x", s + 0)
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
    return out == "" ? "0" : out
}

function pad(a, n) {
    while (length(a) < n) a = "0" a
    return a
}

function chunkop(a, b, op,    n, i, out, x, y) {
    n = length(a) > length(b) ? length(a) : length(b)
    n = int((n + 7) / 8) * 8
    a = pad(a, n); b = pad(b, n)
    out = ""
    for (i = 1; i <= n; i += 8) {
        x = strtonum("0x" substr(a, i, 8)); y = strtonum("0x" substr(b, i, 8))
        out = out sprintf("%08x", op == "and" ? and(x, y) : op == "or" ? or(x, y) : and(x, compl32(y)))
    }
    return out
}

function compl32(y) { return 4294967295 - y }
function hexand(a, b) { return chunkop(a, b, "and") }
function hexor(a, b) { return chunkop(a, b, "or") }
function hexandnot(a, b) { return chunkop(a, b, "andnot") }
