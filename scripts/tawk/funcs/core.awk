# tawk function library: the header row and the column variables.
#
# Loaded first (see funcs.load). The tawk front end (scripts/tawk/tawk) sets:
#   __PRIHDR__     value filter helpers return on the header row (1; 0 with -H)
#   __T2_HDRCHR    the character that starts the header row (-s, default "%")
#   __T2_HDRROW    the header row number when forced with -N (0: the first row starting
#                  with __T2_HDRCHR followed by a letter or "(")
#   __T2_NOHDR     1 with -H: header rows are not passed to the program
#   __T2_RENAME    1 with -r: a column named like an awk keyword or function becomes _NAME
#   __T2_PREHDR    the header row of the first input file, read before the run, so that
#                  column variables are already set in BEGIN blocks
#   __T2_COLOR     1 when standard error is a terminal (colours of printerr, ...)
#   __T2_ALIASES   old and current column names, "old=new;old=new;..." (funcs/aliases.txt)
#   __T2_DOLLARS   the names the program uses as $NAME (space-separated), to warn about the
#                  columns among them that cannot be variables
#
# Every column name of the header row becomes a global variable holding the column number
# (so $srcIP is the source address and srcIP its column number), and COL[name] = number,
# COL[number] = name. Names are sanitised: characters other than letters, digits and "_"
# become "_", a leading digit gets a "_" in front. Old column names of earlier T2 versions
# (numPktsSnt, srcIPWho, tcpRTTAckTripAve, ethVlanID, ...) are set as aliases of today's
# names, and the other way round, when only one of them is in the header.
#
# Internal names start with _t2_ or __t2_; they are not part of the documented library.

BEGIN {
    if (__PRIHDR__ == "") __PRIHDR__ = 1
    if (__T2_HDRCHR == "") __T2_HDRCHR = "%"
    __T2_HDRROW += 0
    # old name = current name, from funcs/aliases.txt (passed by tawk as "old=new;...")
    _t2_nalias = split(__T2_ALIASES, _t2_apairs, ";")
    for (_t2_i = 1; _t2_i <= _t2_nalias; _t2_i++) {
        split(_t2_apairs[_t2_i], _t2_ap, "=")
        _t2_alias_old[_t2_i] = _t2_ap[1]
        _t2_alias_new[_t2_i] = _t2_ap[2]
    }
    _t2_kw = "BEGIN BEGINFILE END ENDFILE function func if else while for do break continue " \
        "next nextfile exit return delete in getline print printf switch case default " \
        "length substr index split sub gsub gensub match sprintf sin cos atan2 exp log sqrt " \
        "int rand srand tolower toupper system close fflush strftime systime mktime and or " \
        "xor lshift rshift compl strtonum asort asorti isarray typeof patsplit " \
        "bindtextdomain dcgettext dcngettext mkbool NR NF FS OFS ORS RS FILENAME FNR SUBSEP " \
        "RSTART RLENGTH CONVFMT OFMT ENVIRON ARGC ARGV ARGIND ERRNO FIELDWIDTHS FPAT " \
        "IGNORECASE LINT PROCINFO RT TEXTDOMAIN BINMODE SYMTAB FUNCTAB PREC ROUNDMODE COL"
    _t2_nkw = split(_t2_kw, _t2_kwa, " ")
    for (_t2_i = 1; _t2_i <= _t2_nkw; _t2_i++) _t2_reserved_kw[_t2_kwa[_t2_i]] = 1
    _t2_n = split(__T2_DOLLARS, _t2_kwa, " ")
    for (_t2_i = 1; _t2_i <= _t2_n; _t2_i++) _t2_dollars[_t2_kwa[_t2_i]] = 1
    if (__T2_PREHDR != "") _t2_setcols(__T2_PREHDR)
}

# A new file: look for its header row again.
FNR == 1 { __t2_hdrfnr = 0; __t2_hdrseen = 0 }

!__t2_hdrseen && _t2_ishdr() {
    __t2_hdrseen = 1
    __t2_hdrfnr = FNR
    _t2_setcols($0)
    if (__T2_NOHDR) next
}

# Whether the current row is the header row (see __T2_HDRROW).
function _t2_ishdr(    c, rest) {
    if (__T2_HDRROW > 0) return FNR == __T2_HDRROW
    c = __T2_HDRCHR
    if (substr($0, 1, length(c)) != c) return 0
    rest = substr($0, length(c) + 1)
    sub(/^[ \t]+/, "", rest)
    return rest ~ /^[A-Za-z(]/
}

# A column name as an awk identifier.
function _t2_sanitize(name) {
    gsub(/[^A-Za-z0-9_]/, "_", name)
    if (name ~ /^[0-9]/) name = "_" name
    if (name == "") name = "_"
    return name
}

# Whether NAME cannot be a variable: an awk keyword, built-in or library function.
function _t2_reserved(name) {
    return (name in _t2_reserved_kw) || (name in FUNCTAB)
}

# Sets COL[] and the column variables from a header row.
function _t2_setcols(line,    n, f, i, raw, name, var, c, o, nw) {
    delete COL
    n = split(line, f, FS)
    for (i = 1; i <= n; i++) {
        raw = f[i]
        if (i == 1) {
            if (__T2_HDRROW == 0 && substr(raw, 1, length(__T2_HDRCHR)) == __T2_HDRCHR)
                raw = substr(raw, length(__T2_HDRCHR) + 1)
            sub(/^[ \t]+/, "", raw)
        }
        name = _t2_sanitize(raw)
        if (name in COL) continue
        COL[name] = i
        COL[i] = name
        var = name
        if (_t2_reserved(var)) {
            if (!__T2_RENAME) {
                if ((name in _t2_dollars) && !(name in _t2_warned)) {
                    _t2_warned[name] = 1
                    printf "tawk: column '%s' is named like an awk keyword or function: use $COL[\"%s\"] (or tawk -r: $_%s)\n", name, name, name > "/dev/stderr"
                }
                continue
            }
            var = "_" var
        }
        if (var in SYMTAB) SYMTAB[var] = i
    }
    __t2_ncols = n
    # old names <-> current names, when only one of them is a column
    for (i = 1; i <= _t2_nalias; i++) {
        o = _t2_alias_old[i]
        nw = _t2_alias_new[i]
        if ((nw in COL) && !(o in COL)) c = o
        else if ((o in COL) && !(nw in COL)) { c = nw; nw = o }
        else continue
        COL[c] = COL[nw]
        if (!_t2_reserved(c) && (c in SYMTAB)) SYMTAB[c] = COL[nw]
    }
}

# @func hdr()
# True on the header row (the row starting with % that names the columns). Use it to keep
# the header with a condition that would drop it: tawk 'hdr() || $pktsSnt > 10' file
function hdr() {
    return FNR > 0 && FNR == __t2_hdrfnr
}

# @func not(cond)
# Negates COND but keeps the header row (the ! operator would drop it):
# tawk 'not(tcp())' file
function not(cond) {
    if (hdr()) return __PRIHDR__
    return !cond
}

# Internal: the value of column NAME (current or old name) of the current row, or "".
function _t2_val(name) {
    return (name in COL) ? $(COL[name]) : ""
}

# Internal: whether the column NAME exists.
function _t2_has(name) {
    return name in COL
}

# Internal: a column given by number or by name -> its number (0 if unknown).
function _t2_colnum(c) {
    if (c ~ /^[0-9]+$/) return c + 0
    if (c in COL) return COL[c] + 0
    c = _t2_sanitize(c)
    return (c in COL) ? COL[c] + 0 : 0
}

# Internal: whether an optional parameter was left out.
function _t2_noarg(x) {
    return typeof(x) == "untyped" || typeof(x) == "unassigned"
}
