//! Reading encoded flow records (spec §2.2) and the text formatter of txtSink (spec §2.4).
//!
//! A record is the concatenation of every column's encoding, in schema order:
//! integers and floats in host byte order, strings NUL-terminated, MAC 6 bytes, IPv4/IPv6
//! address bytes in network order, IPX = u8 version + 0/4/16 bytes, time = u64 sec + u32 ns,
//! repeating columns and repeating nested compounds = u32 count then the repetitions.
//! Nothing is aligned.

use crate::fmt::{self, StrStyle};
use crate::schema::{Group, Item, Scalar, Schema};

/// A record that does not match its schema (too short, trailing bytes, bad IPX version).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError {
    /// Index of the column being read.
    pub column: usize,
    /// Byte offset in the record.
    pub offset: usize,
    pub message: &'static str,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "malformed record: column {} (offset {}): {}",
            self.column + 1,
            self.offset,
            self.message
        )
    }
}

impl std::error::Error for RecordError {}

/// One decoded value, borrowing the record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    I(i64),
    U(u64),
    /// Hex integer and its width in bytes.
    H(u64, u8),
    F(f32),
    D(f64),
    C(u8),
    /// String bytes without the NUL.
    S(&'a [u8]),
    SC(&'a [u8]),
    Mac(&'a [u8; 6]),
    Ip4(&'a [u8; 4]),
    Ip6(&'a [u8; 16]),
    /// IPX of version 0 (no address).
    IpNone,
    Time(u64, u32),
    Dir(u8),
}

/// A cursor over an encoded record.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    column: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader {
            buf,
            pos: 0,
            column: 0,
        }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn err(&self, message: &'static str) -> RecordError {
        RecordError {
            column: self.column,
            offset: self.pos,
            message,
        }
    }

    #[inline]
    fn take<const N: usize>(&mut self) -> Result<&'a [u8; N], RecordError> {
        match self.buf.get(self.pos..self.pos + N) {
            Some(s) => {
                self.pos += N;
                Ok(s.try_into().expect("length checked"))
            }
            None => Err(self.err("record too short")),
        }
    }

    /// Reads a u32 repetition count.
    #[inline]
    pub fn count(&mut self) -> Result<u32, RecordError> {
        Ok(u32::from_ne_bytes(*self.take::<4>()?))
    }

    fn cstr(&mut self) -> Result<&'a [u8], RecordError> {
        let rest = &self.buf[self.pos..];
        match rest.iter().position(|&b| b == 0) {
            Some(n) => {
                self.pos += n + 1;
                Ok(&rest[..n])
            }
            None => Err(self.err("unterminated string")),
        }
    }

    /// Reads one scalar.
    #[inline]
    pub fn value(&mut self, s: Scalar) -> Result<Value<'a>, RecordError> {
        use Scalar::*;
        Ok(match s {
            I8 => Value::I(i8::from_ne_bytes(*self.take()?) as i64),
            I16 => Value::I(i16::from_ne_bytes(*self.take()?) as i64),
            I32 => Value::I(i32::from_ne_bytes(*self.take()?) as i64),
            I64 => Value::I(i64::from_ne_bytes(*self.take()?)),
            U8 => Value::U(u8::from_ne_bytes(*self.take()?) as u64),
            U16 => Value::U(u16::from_ne_bytes(*self.take()?) as u64),
            U32 => Value::U(u32::from_ne_bytes(*self.take()?) as u64),
            U64 => Value::U(u64::from_ne_bytes(*self.take()?)),
            H8 => Value::H(u8::from_ne_bytes(*self.take()?) as u64, 1),
            H16 => Value::H(u16::from_ne_bytes(*self.take()?) as u64, 2),
            H32 => Value::H(u32::from_ne_bytes(*self.take()?) as u64, 4),
            H64 => Value::H(u64::from_ne_bytes(*self.take()?), 8),
            F => Value::F(f32::from_ne_bytes(*self.take()?)),
            D => Value::D(f64::from_ne_bytes(*self.take()?)),
            C => Value::C(self.take::<1>()?[0]),
            Dir => Value::Dir(self.take::<1>()?[0]),
            S => Value::S(self.cstr()?),
            SC => Value::SC(self.cstr()?),
            Mac => Value::Mac(self.take()?),
            Ip4 => Value::Ip4(self.take()?),
            Ip6 => Value::Ip6(self.take()?),
            Ipx => match self.take::<1>()?[0] {
                0 => Value::IpNone,
                4 => Value::Ip4(self.take()?),
                6 => Value::Ip6(self.take()?),
                _ => {
                    self.pos -= 1;
                    return Err(self.err("IPX version is not 0, 4 or 6"));
                }
            },
            Time => {
                let sec = u64::from_ne_bytes(*self.take()?);
                let ns = u32::from_ne_bytes(*self.take()?);
                Value::Time(sec, ns)
            }
        })
    }
}

/// Events of [`walk`], in record order. Every method has an empty default.
pub trait Visitor<'a> {
    /// Start of column `index`.
    fn begin_column(&mut self, _index: usize, _column: &crate::schema::Column) {}
    fn end_column(&mut self, _index: usize) {}
    /// Start of repetition `rep` (0-based) of a repeating group (column or nested). Called
    /// once with `rep = 0` for a non-repeating group.
    fn begin_rep(&mut self, _group: &Group, _rep: u32) {}
    /// Start/end of a nested compound (inside a column).
    fn begin_nested(&mut self, _group: &Group) {}
    fn end_nested(&mut self, _group: &Group) {}
    /// Member `index` of the current compound (called before its value or nested group).
    fn member(&mut self, _index: usize) {}
    fn value(&mut self, v: Value<'a>);
}

fn walk_group<'a, V: Visitor<'a>>(
    g: &Group,
    r: &mut Reader<'a>,
    v: &mut V,
) -> Result<(), RecordError> {
    let n = if g.repeating { r.count()? } else { 1 };
    if n as usize > r.remaining() + 1 && g.repeating {
        // Each repetition needs at least one byte unless the group is empty (it never is).
        return Err(r.err("repetition count larger than the record"));
    }
    for rep in 0..n {
        v.begin_rep(g, rep);
        for (i, it) in g.items.iter().enumerate() {
            v.member(i);
            match it {
                Item::Scalar(s) => {
                    let val = r.value(*s)?;
                    v.value(val);
                }
                Item::Group(ng) => {
                    v.begin_nested(ng);
                    walk_group(ng, r, v)?;
                    v.end_nested(ng);
                }
            }
        }
    }
    Ok(())
}

/// Walks a whole record with its schema. Fails if the record is shorter or longer than the
/// schema says.
pub fn walk<'a, V: Visitor<'a>>(
    schema: &Schema,
    rec: &'a [u8],
    v: &mut V,
) -> Result<(), RecordError> {
    let mut r = Reader::new(rec);
    for (i, c) in schema.columns.iter().enumerate() {
        r.column = i;
        v.begin_column(i, c);
        walk_group(&c.ty, &mut r, v)?;
        v.end_column(i);
    }
    if r.remaining() != 0 {
        return Err(r.err("trailing bytes after the last column"));
    }
    Ok(())
}

/// Appends one value as T2's text output prints it.
#[inline]
pub fn push_value(out: &mut Vec<u8>, v: &Value<'_>) {
    match *v {
        Value::I(x) => fmt::push_i64(out, x),
        Value::U(x) => fmt::push_u64(out, x),
        Value::H(x, w) => fmt::push_hex(out, x, w as usize),
        Value::F(x) => fmt::push_g(out, x as f64, 7),
        Value::D(x) => fmt::push_f(out, x, 6),
        Value::C(c) => out.push(c),
        Value::Dir(d) => out.push(if d == 0 { b'A' } else { b'B' }),
        Value::S(s) => fmt::push_escaped(out, s, StrStyle::Quoted),
        Value::SC(s) => fmt::push_escaped(out, s, StrStyle::Raw),
        Value::Mac(m) => fmt::push_mac(out, m),
        Value::Ip4(a) => fmt::push_ip4(out, a),
        Value::Ip6(a) => fmt::push_ip6(out, a),
        Value::IpNone => out.push(b'-'),
        Value::Time(s, ns) => fmt::push_time(out, s, ns),
    }
}

/// The text formatter: TAB between columns, `_` between compound members, `;` between
/// repetitions, `(...)` around nested compounds, an empty field for 0 repetitions.
#[derive(Clone, Copy, Debug)]
pub struct TextFormatter {
    /// Column separator (T2's `SEP_CHR`, TAB).
    pub sep: u8,
}

impl Default for TextFormatter {
    fn default() -> Self {
        TextFormatter { sep: b'\t' }
    }
}

impl TextFormatter {
    /// Appends one record as a line (with the trailing `\n`). On error `out` holds a partial
    /// line; truncate it to its previous length to discard.
    pub fn format_record(
        &self,
        schema: &Schema,
        rec: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), RecordError> {
        let mut r = Reader::new(rec);
        for (i, c) in schema.columns.iter().enumerate() {
            r.column = i;
            if i > 0 {
                out.push(self.sep);
            }
            let g = &c.ty;
            // Most columns are one scalar, repeating or not: formatted without the walk of
            // the general compound case.
            match g.items.as_slice() {
                [Item::Scalar(s)] if !g.repeating => fmt_scalar(*s, &mut r, out)?,
                [Item::Scalar(s)] => {
                    let n = r.count()?;
                    if n as usize > r.remaining() {
                        return Err(r.err("repetition count larger than the record"));
                    }
                    for rep in 0..n {
                        if rep > 0 {
                            out.push(b';');
                        }
                        fmt_scalar(*s, &mut r, out)?;
                    }
                }
                _ => fmt_group(g, &mut r, out)?,
            }
        }
        if r.remaining() != 0 {
            return Err(r.err("trailing bytes after the last column"));
        }
        out.push(b'\n');
        Ok(())
    }
}

/// Reads one scalar and appends its text, as `push_value(out, &r.value(s)?)` but without the
/// intermediate [`Value`]. Inlined into the per-column loop of `format_record`.
#[inline(always)]
fn fmt_scalar(s: Scalar, r: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), RecordError> {
    use Scalar::*;
    match s {
        U8 => fmt::push_u64(out, r.take::<1>()?[0] as u64),
        U16 => fmt::push_u64(out, u16::from_ne_bytes(*r.take()?) as u64),
        U32 => fmt::push_u64(out, u32::from_ne_bytes(*r.take()?) as u64),
        U64 => fmt::push_u64(out, u64::from_ne_bytes(*r.take()?)),
        H8 => fmt::push_hex(out, r.take::<1>()?[0] as u64, 1),
        H16 => fmt::push_hex(out, u16::from_ne_bytes(*r.take()?) as u64, 2),
        H32 => fmt::push_hex(out, u32::from_ne_bytes(*r.take()?) as u64, 4),
        H64 => fmt::push_hex(out, u64::from_ne_bytes(*r.take()?), 8),
        Dir => out.push(if r.take::<1>()?[0] == 0 { b'A' } else { b'B' }),
        S => fmt::push_escaped(out, r.cstr()?, StrStyle::Quoted),
        SC => fmt::push_escaped(out, r.cstr()?, StrStyle::Raw),
        Mac => fmt::push_mac(out, r.take()?),
        Ip4 => fmt::push_ip4(out, r.take()?),
        Ipx => match r.value(Ipx)? {
            Value::Ip4(a) => fmt::push_ip4(out, a),
            Value::Ip6(a) => fmt::push_ip6(out, a),
            _ => out.push(b'-'),
        },
        Time => {
            let sec = u64::from_ne_bytes(*r.take()?);
            let ns = u32::from_ne_bytes(*r.take()?);
            fmt::push_time(out, sec, ns);
        }
        _ => {
            let v = r.value(s)?;
            push_value(out, &v);
        }
    }
    Ok(())
}

#[inline(never)]
fn fmt_scalar_outlined(
    s: Scalar,
    r: &mut Reader<'_>,
    out: &mut Vec<u8>,
) -> Result<(), RecordError> {
    fmt_scalar(s, r, out)
}

fn fmt_group(g: &Group, r: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), RecordError> {
    let n = if g.repeating { r.count()? } else { 1 };
    if g.repeating && n as usize > r.remaining() {
        return Err(r.err("repetition count larger than the record"));
    }
    for rep in 0..n {
        if rep > 0 {
            out.push(b';');
        }
        for (i, it) in g.items.iter().enumerate() {
            if i > 0 {
                out.push(b'_');
            }
            match it {
                Item::Scalar(s) => fmt_scalar_outlined(*s, r, out)?,
                Item::Group(ng) => {
                    out.push(b'(');
                    fmt_group(ng, r, out)?;
                    out.push(b')');
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Encoder;

    fn schema(cols: &[(&str, &str)]) -> Schema {
        Schema::from_triples(cols.iter().map(|(n, t)| (*n, "", *t))).unwrap()
    }

    /// Rebuilds the first data line of the basicFlow reference for ndpi/1kxun.pcap.
    #[test]
    fn basicflow_reference_line() {
        let s = schema(&[
            ("dir", "DIR"),
            ("flowInd", "U64"),
            ("flowStat", "H64"),
            ("timeFirst", "U64.U32"),
            ("timeLast", "U64.U32"),
            ("duration", "U64.U32"),
            ("numHdrDesc", "U8"),
            ("numHdrs", "U16:R"),
            ("hdrDesc", "SC:R"),
            ("srcMac", "MAC:R"),
            ("dstMac", "MAC:R"),
            ("ethType", "H16"),
            ("vlanID", "U16:R"),
            ("srcIP", "IPX"),
            ("srcIPCC", "SC"),
            ("srcIPOrg", "S"),
            ("srcPort", "U16"),
            ("dstIP", "IPX"),
            ("dstIPCC", "SC"),
            ("dstIPOrg", "S"),
            ("dstPort", "U16"),
            ("l4Proto", "U8"),
        ]);
        let mut e = Encoder::default();
        e.u8(0);
        e.u64(1);
        e.u64(0x0400000000004000);
        e.time(1470104373, 25824000);
        e.time(1470104373, 127416000);
        e.time(0, 101592000);
        e.u8(1);
        e.repeat(1);
        e.u16(3);
        e.repeat(1);
        e.str("eth:ipv4:udp");
        e.repeat(1);
        e.mac([0x48, 0xd2, 0x24, 0x63, 0x31, 0x00]);
        e.repeat(1);
        e.mac([0x01, 0x00, 0x5e, 0x00, 0x00, 0xfc]);
        e.u16(0x0800);
        e.repeat(0);
        e.ipx(4, &[192, 168, 5, 44]);
        e.str("07");
        e.str("Private network");
        e.u16(59571);
        e.ipx(4, &[224, 0, 0, 252]);
        e.str("10");
        e.str("Link-local Multicast Name Reso");
        e.u16(5355);
        e.u8(17);
        let mut out = Vec::new();
        TextFormatter::default()
            .format_record(&s, e.as_bytes(), &mut out)
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "A\t1\t0x0400000000004000\t1470104373.025824000\t1470104373.127416000\t0.101592000\t1\t3\t\
             eth:ipv4:udp\t48:d2:24:63:31:00\t01:00:5e:00:00:fc\t0x0800\t\t192.168.5.44\t07\t\
             \"Private network\"\t59571\t224.0.0.252\t10\t\"Link-local Multicast Name Reso\"\t5355\t17\n"
        );
        // Too short / too long.
        let b = e.as_bytes();
        assert!(
            TextFormatter::default()
                .format_record(&s, &b[..b.len() - 1], &mut Vec::new())
                .is_err()
        );
        let mut longer = b.to_vec();
        longer.push(0);
        let err = TextFormatter::default()
            .format_record(&s, &longer, &mut Vec::new())
            .unwrap_err();
        assert_eq!(err.message, "trailing bytes after the last column");
    }

    #[test]
    fn compounds_and_nesting() {
        let s = schema(&[
            ("a", "MAC_MAC_U64:R"),
            ("b", "(U8_U16):R"),
            ("c", "U8_(U16_IPX:R)"),
            ("d", "F_D"),
            ("e", "IPX"),
        ]);
        let mut e = Encoder::default();
        e.repeat(2);
        e.mac([1, 2, 3, 4, 5, 6]);
        e.mac([0xaa; 6]);
        e.u64(7);
        e.mac([0; 6]);
        e.mac([0xff; 6]);
        e.u64(8);
        e.repeat(2);
        e.u8(1);
        e.u16(2);
        e.u8(3);
        e.u16(4);
        e.u8(9);
        e.repeat(2);
        e.u16(10);
        e.ipx(6, &[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        e.u16(11);
        e.ipx(0, &[]);
        e.f32(0.33333334);
        e.f64(37.751);
        e.ipx(0, &[]);
        let mut out = Vec::new();
        TextFormatter::default()
            .format_record(&s, e.as_bytes(), &mut out)
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "01:02:03:04:05:06_aa:aa:aa:aa:aa:aa_7;00:00:00:00:00:00_ff:ff:ff:ff:ff:ff_8\t(1_2);(3_4)\t\
             9_(10_2001:db8::1;11_-)\t0.3333333_37.751000\t-\n"
        );
    }

    #[test]
    fn walker_counts_values() {
        struct Count(usize);
        impl<'a> Visitor<'a> for Count {
            fn value(&mut self, _v: Value<'a>) {
                self.0 += 1;
            }
        }
        let s = schema(&[("a", "U8"), ("b", "SC:R")]);
        let mut e = Encoder::default();
        e.u8(1);
        e.repeat(3);
        e.str("x");
        e.str("");
        e.str("z");
        let mut c = Count(0);
        walk(&s, e.as_bytes(), &mut c).unwrap();
        assert_eq!(c.0, 4);
    }
}
