# tawk function library: other files, streams, queries and messages.

# @func diff(file[, cols])
# True if the row is not in FILE (comparing the columns COLS, e.g. "srcIP;dstIP", or whole
# rows): tawk 'diff("old_flows.txt", "srcIP;dstIP;dstPort")' new_flows.txt
function diff(file, cols,    key, line, n, c, f, i, k) {
    if (_t2_noarg(cols)) cols = ""
    k = file SUBSEP cols
    if (!(k in _t2_diffloaded)) {
        _t2_diffloaded[k] = 1
        n = _t2_keycols(cols, c)
        while ((getline line < file) > 0) {
            if (n == 0) { _t2_diffrows[k, line] = 1; continue }
            split(line, f, FS)
            key = ""
            for (i = 1; i <= n; i++) key = key SUBSEP f[c[i]]
            _t2_diffrows[k, key] = 1
        }
        close(file)
    }
    if (hdr()) return __PRIHDR__
    n = _t2_keycols(cols, c)
    if (n == 0) return !((k, $0) in _t2_diffrows)
    key = ""
    for (i = 1; i <= n; i++) key = key SUBSEP $(c[i])
    return !((k, key) in _t2_diffrows)
}

# @func ffsplit([cols[, prefix]])
# Writes every column (or the columns COLS, "srcIP;dstPort") into a file of its own,
# PREFIX_NAME.txt (PREFIX: the input file without .txt), one value per row, and returns 0.
function ffsplit(cols, prefix,    n, c, i, name, file) {
    if (_t2_noarg(prefix) || prefix == "") {
        prefix = FILENAME
        sub(/\.txt$/, "", prefix)
        if (prefix == "" || prefix == "-") prefix = "tawk"
    }
    if (_t2_noarg(cols) || cols == "") {
        n = NF
        for (i = 1; i <= n; i++) c[i] = i
    } else n = _t2_keycols(cols, c)
    for (i = 1; i <= n; i++) {
        if (!c[i]) continue
        name = (c[i] in COL) ? COL[c[i]] : "col" c[i]
        file = prefix "_" name ".txt"
        print (hdr() ? name : $(c[i])) > file
    }
    return 0
}

# @func follow_stream(f[, dir[, col]])
# Prints the payload of flow F of a packet file (column l7Content, or COL), the consecutive
# packets of one direction joined on one line that starts with "A:" or "B:"; DIR "A" or "B"
# keeps one direction only. Returns 0: tawk 'follow_stream(4)' file_packets.txt
function follow_stream(f, dir, col,    n, d, fs) {
    if (hdr()) return 0
    if (_t2_noarg(col) || col == "") col = "l7Content"
    if ((_t2_val("flowInd") + 0) != f + 0) return 0
    n = _t2_colnum(col)
    if (!n) return 0
    fs = _t2_val("flowStat")
    d = (fs != "" && bitsanyset(fs, 1)) ? "B" : "A"
    if (!_t2_noarg(dir) && dir != "" && d != toupper(dir)) return 0
    if (d != _t2_fsdir && _t2_fsdir != "") { print _t2_fsdir ":" _t2_fsbuf; _t2_fsbuf = "" }
    _t2_fsdir = d
    _t2_fsbuf = _t2_fsbuf $n
    return 0
}

END { if (_t2_fsdir != "") print _t2_fsdir ":" _t2_fsbuf }

# @func t2whois(ip)
# What the t2whois tool says about IP (empty when it is not installed).
function t2whois(addr,    cmd, line, out) {
    if (addr in _t2_whois) return _t2_whois[addr]
    out = ""
    if (_t2_whois_ok == "") _t2_whois_ok = (system("command -v t2whois >/dev/null 2>&1") == 0)
    if (_t2_whois_ok) {
        cmd = "t2whois " addr " 2>/dev/null"
        while ((cmd | getline line) > 0) out = out (out == "" ? "" : " ") line
        close(cmd)
    }
    _t2_whois[addr] = out
    return out
}

# Internal: a message with a colour on a terminal.
function _t2_msg(to, color, tag, msg, isterm) {
    if (isterm) printf "\033[%sm%s%s\033[0m\n", color, tag, msg > to
    else printf "%s%s\n", tag, msg > to
}

# @func printerr(msg)
# Prints "[ERR] MSG" on standard error (red on a terminal).
function printerr(msg) { _t2_msg("/dev/stderr", "0;31", "[ERR] ", msg, __T2_COLOR) }
# @func printwrn(msg)
# Prints "[WRN] MSG" on standard error (yellow on a terminal).
function printwrn(msg) { _t2_msg("/dev/stderr", "0;33", "[WRN] ", msg, __T2_COLOR) }
# @func printinf(msg)
# Prints "[INF] MSG" (blue on a terminal).
function printinf(msg) { _t2_msg("/dev/stdout", "0;34", "[INF] ", msg, __T2_COLOR1) }
# @func printok(msg)
# Prints "[OK] MSG" (green on a terminal).
function printok(msg) { _t2_msg("/dev/stdout", "0;32", "[OK] ", msg, __T2_COLOR1) }
# @func printbold(msg)
# Prints MSG (bold on a terminal).
function printbold(msg) { _t2_msg("/dev/stdout", "1", "", msg, __T2_COLOR1) }

# ------------------------------------------------------------------------------------------
# shark(): a subset of Wireshark's display filter language.

# @func shark(query)
# True if the row matches the Wireshark-style display filter QUERY: fields ip.src ip.dst
# ip.addr (IPv6 too, networks allowed), tcp/udp/sctp .srcport .dstport .port, ip.proto,
# eth.src eth.dst eth.addr eth.type, vlan.id, frame.number, frame.len, tcp.flags (and
# tcp.flags.syn, .ack, .fin, .rst, .push, .urg, .ece, .cwr), icmp.type, icmp.code, or any
# column name; operators == != > < >= <= (eq ne gt lt ge le), contains, matches; and && or
# || not ! and parentheses; bare names tcp udp icmp icmpv6 sctp gre esp ah igmp ip ipv6 arp:
# tawk 'shark("ip.addr == 10.0.0.0/8 && tcp.dstport == 443")' file
function shark(query,    r) {
    if (hdr()) return __PRIHDR__
    if (!(query in _t2_shq)) _t2_shark_lex(query)
    _t2_shk = query
    _t2_shp = 1
    r = _t2_shark_or()
    if (_t2_shp <= _t2_shn[query]) {
        printf "tawk: shark: cannot parse '%s' near '%s'\n", query, _t2_sht[query, _t2_shp] > "/dev/stderr"
        exit 1
    }
    return r
}

# Internal: splits QUERY into tokens _t2_sht[query, 1..n].
function _t2_shark_lex(q,    s, n, t) {
    _t2_shq[q] = 1
    s = q
    n = 0
    while (s != "") {
        if (match(s, /^[ \t]+/)) { s = substr(s, RLENGTH + 1); continue }
        if (match(s, /^(&&|\|\||==|!=|>=|<=|[()!<>])/)) t = substr(s, 1, RLENGTH)
        else if (match(s, /^"([^"\\]|\\.)*"/)) t = substr(s, 1, RLENGTH)
        else if (match(s, /^[^ \t()!<>=&|"]+/)) t = substr(s, 1, RLENGTH)
        else { t = substr(s, 1, 1); RLENGTH = 1 }
        _t2_sht[q, ++n] = t
        s = substr(s, RLENGTH + 1)
    }
    _t2_shn[q] = n
}

function _t2_shark_peek() {
    return (_t2_shp <= _t2_shn[_t2_shk]) ? _t2_sht[_t2_shk, _t2_shp] : ""
}

function _t2_shark_or(    r, t) {
    r = _t2_shark_and()
    while ((t = tolower(_t2_shark_peek())) == "||" || t == "or") {
        _t2_shp++
        r = _t2_shark_and() || r
    }
    return r
}

function _t2_shark_and(    r, t) {
    r = _t2_shark_not()
    while ((t = tolower(_t2_shark_peek())) == "&&" || t == "and") {
        _t2_shp++
        r = _t2_shark_not() && r
    }
    return r
}

function _t2_shark_not(    t, r) {
    t = tolower(_t2_shark_peek())
    if (t == "!" || t == "not") { _t2_shp++; return !_t2_shark_not() }
    if (t == "(") {
        _t2_shp++
        r = _t2_shark_or()
        if (_t2_shark_peek() != ")") {
            printf "tawk: shark: missing ')' in '%s'\n", _t2_shk > "/dev/stderr"
            exit 1
        }
        _t2_shp++
        return r
    }
    return _t2_shark_cmp()
}

function _t2_shark_cmp(    field, op, val, t, cols, n, i, v) {
    field = _t2_shark_peek()
    _t2_shp++
    t = tolower(_t2_shark_peek())
    if (t ~ /^(==|!=|>|<|>=|<=|eq|ne|gt|lt|ge|le|contains|matches|~)$/) {
        op = t
        _t2_shp++
        val = _t2_shark_peek()
        _t2_shp++
        if (val ~ /^".*"$/) val = substr(val, 2, length(val) - 2)
    } else op = ""
    return _t2_shark_field(tolower(field), field, op, val)
}

# Internal: one comparison of a field with a value (OP "": the field is present / true).
function _t2_shark_field(f, orig, op, val,    p, v) {
    if (op == "") {
        if (f ~ /^(tcp|udp|icmp|icmpv6|sctp|gre|esp|ah|igmp)$/) return proto(f == "icmpv6" ? 58 : f)
        if (f == "ip") return _t2_ipver() == 4
        if (f == "ipv6") return _t2_ipver() == 6
        if (f == "arp") return bitsanyset(_t2_val("flowStat"), "0x40")
        if (f ~ /^tcp\.flags\./) return _t2_shark_flag(f)
        if (_t2_colnum(orig)) { v = $(_t2_colnum(orig)); return v != "" && v != "0" && v != "-" }
        return 0
    }
    if (f ~ /^(tcp|udp|sctp)\./) {
        p = substr(f, 1, index(f, ".") - 1)
        if (!proto(p)) return op == "!=" || op == "ne"
        f = substr(f, index(f, ".") + 1)
        if (f == "srcport") return _t2_shark_test(_t2_val("srcPort"), op, val)
        if (f == "dstport") return _t2_shark_test(_t2_val("dstPort"), op, val)
        if (f == "port") return _t2_shark_any(_t2_val("srcPort"), _t2_val("dstPort"), op, val)
        if (f == "flags") return _t2_shark_test(_t2_val("tcpFlags"), op, val)
        if (f ~ /^flags\./) return _t2_shark_flag("tcp." f) == (val ~ /^(1|true)$/)
    }
    if (f == "ip.src" || f == "ipv6.src") return _t2_shark_test(_t2_val("srcIP"), op, val, 1)
    if (f == "ip.dst" || f == "ipv6.dst") return _t2_shark_test(_t2_val("dstIP"), op, val, 1)
    if (f == "ip.addr" || f == "ipv6.addr") return _t2_shark_any(_t2_val("srcIP"), _t2_val("dstIP"), op, val, 1)
    if (f == "ip.proto" || f == "ipv6.nxt") return _t2_shark_test(_t2_val("l4Proto"), op, _t2_protonum(val))
    if (f == "eth.src") return _t2_shark_test(_t2_val("srcMac"), op, tolower(val))
    if (f == "eth.dst") return _t2_shark_test(_t2_val("dstMac"), op, tolower(val))
    if (f == "eth.addr") return _t2_shark_any(_t2_val("srcMac"), _t2_val("dstMac"), op, tolower(val))
    if (f == "eth.type") return _t2_shark_test(_t2_val("ethType"), op, val)
    if (f == "vlan.id") return _t2_shark_test(_t2_val("vlanID"), op, val)
    if (f == "frame.number") return _t2_shark_test(_t2_val("pktNo"), op, val)
    if (f == "frame.len") return _t2_shark_test(_t2_val("pktLen"), op, val)
    if (f == "icmp.type") return _t2_shark_test(_t2_val("icmpType"), op, val)
    if (f == "icmp.code") return _t2_shark_test(_t2_val("icmpCode"), op, val)
    if (_t2_colnum(orig)) return _t2_shark_test($(_t2_colnum(orig)), op, val)
    printf "tawk: shark: unknown field '%s'\n", orig > "/dev/stderr"
    exit 1
}

# Internal: tcp.flags.NAME.
function _t2_shark_flag(f,    n, i) {
    n = split("fin syn reset push ack urg ece cwr", _t2_shfl, " ")
    sub(/^tcp\.flags\./, "", f)
    if (f == "rst") f = "reset"
    if (f == "psh") f = "push"
    for (i = 1; i <= n; i++) if (_t2_shfl[i] == f) return bitsanyset(_t2_val("tcpFlags"), 2 ^ (i - 1))
    printf "tawk: shark: unknown TCP flag '%s'\n", f > "/dev/stderr"
    exit 1
}

# Internal: A or B passes the test (for "!=": neither is VAL).
function _t2_shark_any(a, b, op, val, isaddr) {
    if (op == "!=" || op == "ne") return !_t2_shark_test(a, "==", val, isaddr) && !_t2_shark_test(b, "==", val, isaddr)
    return _t2_shark_test(a, op, val, isaddr) || _t2_shark_test(b, op, val, isaddr)
}

# Internal: one value against VAL.
function _t2_shark_test(v, op, val, isaddr,    x, y, eq) {
    v = _t2_unq(v)
    if (op == "contains") return index(v, val) > 0
    if (op == "matches" || op == "~") return v ~ val
    if (isaddr && (op == "==" || op == "eq" || op == "!=" || op == "ne")) {
        eq = ipinnet(v, val)
        return (op == "==" || op == "eq") ? eq : !eq
    }
    if (isnum(v) && isnum(val)) {
        x = (v ~ /^0[xX]/) ? strtonum(v) : v + 0
        y = (val ~ /^0[xX]/) ? strtonum(val) : val + 0
    } else { x = v ""; y = val "" }
    if (op == "==" || op == "eq") return x == y
    if (op == "!=" || op == "ne") return x != y
    if (op == ">" || op == "gt") return x > y
    if (op == "<" || op == "lt") return x < y
    if (op == ">=" || op == "ge") return x >= y
    if (op == "<=" || op == "le") return x <= y
    return 0
}
